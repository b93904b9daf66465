Unicode true

## Tusk's installer: per user (no administrator rights, installs into
## %LOCALAPPDATA%\Programs\Tusk), a Start menu entry, an uninstaller
## registered under HKCU, and the WebView2 runtime bootstrapped when missing.
##
## `wails build -nsis` writes wails_tools.nsh and tmp\MicrosoftEdgeWebview2Setup.exe
## next to this file (both git-ignored) and runs makensis once; scripts/dist/windows.sh
## then runs makensis again with the signed tusk.exe and these defines:
##   ARG_WAILS_AMD64_BINARY  the (signed) tusk.exe
##   INFO_PRODUCTVERSION     numeric X.Y.Z: Windows version resources take no pre-release tag
##   ARG_DISPLAY_VERSION     the full version (e.g. 0.2.0-rc.1), shown in the file properties
##   ARG_OUTFILE             where to write the installer
##   ARG_SIGN_COMMAND        a command that Authenticode-signs the file named by its last
##                           argument in place; it signs the uninstaller before it is packed

!define REQUEST_EXECUTION_LEVEL "user"
!define WAILS_INSTALL_SCOPE "user"
!define INFO_PROJECTNAME "tusk"
!define UNINST_KEY_NAME "Tusk"

!include "wails_tools.nsh"

!ifndef ARG_DISPLAY_VERSION
  !define ARG_DISPLAY_VERSION "${INFO_PRODUCTVERSION}"
!endif

# Version resources need four numeric parts.
VIProductVersion "${INFO_PRODUCTVERSION}.0"
VIFileVersion    "${INFO_PRODUCTVERSION}.0"

VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Installer"
VIAddVersionKey "ProductVersion"  "${ARG_DISPLAY_VERSION}"
VIAddVersionKey "FileVersion"     "${INFO_PRODUCTVERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

ManifestDPIAware true
SetCompressor /SOLID lzma

!include "MUI.nsh"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${PRODUCT_EXECUTABLE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "..\..\..\LICENSE"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

!ifdef ARG_SIGN_COMMAND
  !uninstfinalize '${ARG_SIGN_COMMAND} "%1"' = 0
!endif

Name "${INFO_PRODUCTNAME}"
!ifdef ARG_OUTFILE
  OutFile "${ARG_OUTFILE}"
!else
  OutFile "..\..\bin\${INFO_PROJECTNAME}-${ARCH}-installer.exe"
!endif
InstallDir "$LOCALAPPDATA\Programs\${INFO_PRODUCTNAME}"
ShowInstDetails show

Function .onInit
    !insertmacro wails.checkArchitecture
FunctionEnd

Section
    !insertmacro wails.setShellContext
    !insertmacro wails.webview2runtime

    SetOutPath $INSTDIR
    !insertmacro wails.files

    CreateShortcut "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"

    !insertmacro wails.writeUninstaller
SectionEnd

Section "uninstall"
    !insertmacro wails.setShellContext

    # WebView2's cache for this app; connections, history and logs in
    # %AppData%\Tusk are the user's and stay.
    RMDir /r "$AppData\${PRODUCT_EXECUTABLE}"

    Delete "$INSTDIR\${PRODUCT_EXECUTABLE}"
    Delete "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk"

    !insertmacro wails.deleteUninstaller
    RMDir $INSTDIR
SectionEnd
