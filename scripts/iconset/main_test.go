package main

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// The committed Windows and macOS icons must be what the source image makes
// today: change build/appicon.png, then regenerate them (see the package doc).
func TestCommittedIconsMatchSource(t *testing.T) {
	img, err := load("../../build/appicon.png")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		make func() ([]byte, error)
	}{
		{"../../build/windows/icon.ico", func() ([]byte, error) { return ICO(img) }},
		{"../../build/darwin/iconfile.icns", func() ([]byte, error) { return ICNS(img) }},
	} {
		want, err := tc.make()
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go run ./scripts/iconset -ico build/windows/icon.ico -icns build/darwin/iconfile.icns", tc.path)
		}
	}
}

func TestICOEntries(t *testing.T) {
	img, err := load("../../build/appicon.png")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ICO(img)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(b[2:]) != 1 || int(le.Uint16(b[4:])) != len(icoSizes) {
		t.Fatalf("header = % x", b[:6])
	}
	for i, size := range icoSizes {
		e := b[6+16*i:]
		n, off := le.Uint32(e[8:]), le.Uint32(e[12:])
		cfg, err := png.DecodeConfig(bytes.NewReader(b[off : off+n]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if cfg.Width != size || cfg.Height != size || (size < 256 && int(e[0]) != size) || (size == 256 && e[0] != 0) {
			t.Errorf("entry %d: %dx%d, directory says %d", i, cfg.Width, cfg.Height, e[0])
		}
	}
}

func TestICNSElements(t *testing.T) {
	img, err := load("../../build/appicon.png")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ICNS(img)
	if err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	if string(b[:4]) != "icns" || int(be.Uint32(b[4:])) != len(b) {
		t.Fatalf("header = % x, length %d", b[:8], len(b))
	}
	seen := map[string]int{}
	for p := 8; p < len(b); {
		code, n := string(b[p:p+4]), int(be.Uint32(b[p+4:]))
		cfg, err := png.DecodeConfig(bytes.NewReader(b[p+8 : p+n]))
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		seen[code] = cfg.Width
		p += n
	}
	for _, e := range icnsTypes {
		if seen[e.code] != e.size {
			t.Errorf("%s: %d px, want %d", e.code, seen[e.code], e.size)
		}
	}
}

func TestHicolorTree(t *testing.T) {
	dir := t.TempDir()
	if err := run("../../build/appicon.png", "", "", dir, "dev.tusk.Tusk"); err != nil {
		t.Fatal(err)
	}
	for _, size := range HicolorSizes {
		f, err := os.Open(filepath.Join(dir, sizeDir(size), "apps", "dev.tusk.Tusk.png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != size || cfg.Height != size {
			t.Errorf("%d px icon: %dx%d, %v", size, cfg.Width, cfg.Height, err)
		}
	}
}

func TestRejectsSmallSource(t *testing.T) {
	if _, err := load("testdata/small.png"); err == nil {
		t.Error("a 64 px source was accepted")
	}
}
