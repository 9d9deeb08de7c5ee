// Command appicon writes the app icon in the freedesktop hicolor sizes,
// for the .deb (scripts/package.sh):
//
//	go run ./internal/appicon -src build/appicon.png -out DIR
//
// writes DIR/<N>x<N>/apps/flowdeck.png for N in 16 … 512, scaled down from
// the 1024 px source with Catmull-Rom (golang.org/x/image/draw), which
// keeps small sizes sharp where a box filter would blur them.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/draw"
)

// Sizes are the hicolor sizes the .deb installs.
var Sizes = []int{16, 32, 48, 64, 128, 256, 512}

func main() {
	src := flag.String("src", "build/appicon.png", "source PNG (square, at least 512 px)")
	out := flag.String("out", "", "hicolor folder to write into")
	name := flag.String("name", "flowdeck", "icon name (the .desktop file's Icon=)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "appicon: -out is required")
		os.Exit(2)
	}
	if err := write(*src, *out, *name); err != nil {
		fmt.Fprintln(os.Stderr, "appicon:", err)
		os.Exit(1)
	}
}

func write(src, out, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < Sizes[len(Sizes)-1] {
		return fmt.Errorf("%s is %dx%d; want a square of at least %d px", src, b.Dx(), b.Dy(), Sizes[len(Sizes)-1])
	}
	for _, n := range Sizes {
		dst := image.NewNRGBA(image.Rect(0, 0, n, n))
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		dir := filepath.Join(out, fmt.Sprintf("%dx%d", n, n), "apps")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := writePNG(filepath.Join(dir, name+".png"), dst); err != nil {
			return err
		}
	}
	return nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
