// Command iconset makes every platform's application icon from one source
// image (build/appicon.png, square, at least 1024 px): PNGs in a hicolor
// theme tree for Linux, a Windows .ico and a macOS .icns. The output is
// deterministic, so committed icons can be checked against the source.
//
//	go run ./scripts/iconset -ico build/windows/icon.ico -icns build/darwin/iconfile.icns
//	go run ./scripts/iconset -hicolor DIR -name dev.tusk.Tusk
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
)

// HicolorSizes are the sizes a Linux desktop looks up in the hicolor theme.
var HicolorSizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

// icoSizes cover Explorer's views at 100–250 % scaling; 256 is the largest
// an .ico entry may be.
var icoSizes = []int{16, 20, 24, 32, 40, 48, 64, 128, 256}

// icnsTypes are the PNG-carrying icns element types and their pixel sizes
// (the @2x ones share the larger bitmaps).
var icnsTypes = []struct {
	code string
	size int
}{
	{"icp4", 16}, {"icp5", 32}, {"icp6", 64}, {"ic07", 128}, {"ic08", 256},
	{"ic09", 512}, {"ic10", 1024}, {"ic11", 32}, {"ic12", 64}, {"ic13", 256}, {"ic14", 512},
}

func main() {
	src := flag.String("src", "build/appicon.png", "source image: a square PNG, at least 1024 px")
	ico := flag.String("ico", "", "write a Windows icon here")
	icns := flag.String("icns", "", "write a macOS icon here")
	hicolor := flag.String("hicolor", "", "write PNGs into this hicolor theme directory (NxN/apps/NAME.png)")
	name := flag.String("name", "dev.tusk.Tusk", "icon name for -hicolor")
	flag.Parse()
	if err := run(*src, *ico, *icns, *hicolor, *name); err != nil {
		fmt.Fprintln(os.Stderr, "iconset:", err)
		os.Exit(1)
	}
}

func run(src, ico, icns, hicolor, name string) error {
	img, err := load(src)
	if err != nil {
		return err
	}
	if ico != "" {
		b, err := ICO(img)
		if err != nil {
			return err
		}
		if err := os.WriteFile(ico, b, 0o644); err != nil {
			return err
		}
	}
	if icns != "" {
		b, err := ICNS(img)
		if err != nil {
			return err
		}
		if err := os.WriteFile(icns, b, 0o644); err != nil {
			return err
		}
	}
	if hicolor != "" {
		for _, size := range HicolorSizes {
			b, err := pngAt(img, size)
			if err != nil {
				return err
			}
			dir := filepath.Join(hicolor, sizeDir(size), "apps")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func load(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < 1024 {
		return nil, fmt.Errorf("%s is %dx%d: the source must be square and at least 1024 px", path, b.Dx(), b.Dy())
	}
	return img, nil
}

// pngAt scales img to size×size (Catmull-Rom) and encodes it as PNG.
func pngAt(img image.Image, size int) ([]byte, error) {
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, dst); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ICO encodes img as a Windows icon with PNG-compressed entries (read by
// Windows Vista and later, and by every resource compiler Wails uses).
func ICO(img image.Image) ([]byte, error) {
	var dir, data bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&dir, le, [3]uint16{0, 1, uint16(len(icoSizes))}) // reserved, type 1 = icon, count
	offset := 6 + 16*len(icoSizes)
	for _, size := range icoSizes {
		b, err := pngAt(img, size)
		if err != nil {
			return nil, err
		}
		dim := uint8(size) // 256 is written as 0
		_ = binary.Write(&dir, le, struct {
			W, H, Colours, Reserved uint8
			Planes, BitCount        uint16
			Size, Offset            uint32
		}{dim, dim, 0, 0, 1, 32, uint32(len(b)), uint32(offset)})
		data.Write(b)
		offset += len(b)
	}
	return append(dir.Bytes(), data.Bytes()...), nil
}

// ICNS encodes img as a macOS icon family with PNG elements.
func ICNS(img image.Image) ([]byte, error) {
	var body bytes.Buffer
	cache := map[int][]byte{}
	for _, t := range icnsTypes {
		b, ok := cache[t.size]
		if !ok {
			var err error
			if b, err = pngAt(img, t.size); err != nil {
				return nil, err
			}
			cache[t.size] = b
		}
		body.WriteString(t.code)
		_ = binary.Write(&body, binary.BigEndian, uint32(8+len(b)))
		body.Write(b)
	}
	var out bytes.Buffer
	out.WriteString("icns")
	_ = binary.Write(&out, binary.BigEndian, uint32(8+body.Len()))
	out.Write(body.Bytes())
	if out.Len() > 1<<31 {
		return nil, errors.New("icns too large")
	}
	return out.Bytes(), nil
}

// sizeDir is the hicolor directory name for a size: "48x48".
func sizeDir(size int) string { return fmt.Sprintf("%dx%d", size, size) }
