package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/mallang/mallang/internal/fault"
)

// MaxImageBytes is the largest upload Sniff should be asked to accept.
const MaxImageBytes = 10 << 20

// MaxImagePixels caps width × height of an image this package decodes, so a
// small file that claims to be 30,000 × 30,000 pixels cannot exhaust memory.
const MaxImagePixels = 40_000_000

// ThumbQuality is the JPEG quality of thumbnails.
const ThumbQuality = 82

// ErrUnreadable is wrapped by MakeThumbnails when the stored original is not
// an image it can decode (or has too many pixels); trying again cannot help.
var ErrUnreadable = errors.New("image cannot be decoded")

// Sniff reads an upload of at most limit bytes from r and checks that it is
// a JPEG, PNG, GIF or WebP image whose header decodes, returning its content
// type (from the bytes, never from what the client claimed) and the bytes.
// An upload that is too big, not one of those formats or too large in pixels
// is a *fault.Invalid on the field "image" with a message fit for the user;
// only failures to read r are other errors.
func Sniff(r io.Reader, limit int64) (contentType string, data []byte, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return "", nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > limit {
		return "", nil, invalidImage("image is larger than " + byteSize(limit))
	}
	contentType = http.DetectContentType(data)
	if extension(contentType) == "" {
		return "", nil, invalidImage("not an image (JPEG, PNG, GIF or WebP)")
	}
	cfg, err := decodeConfig(data, contentType)
	if err != nil {
		return "", nil, invalidImage("not an image (JPEG, PNG, GIF or WebP)")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return "", nil, invalidImage(fmt.Sprintf("image has too many pixels (at most %d megapixels)", MaxImagePixels/1_000_000))
	}
	return contentType, data, nil
}

func invalidImage(msg string) *fault.Invalid {
	return &fault.Invalid{Fields: map[string]string{"image": msg}}
}

// byteSize writes n for people: "10 MB", "512 KB", "900 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// The decoders are picked by content type rather than through image.Decode,
// so the package needs no blank imports to register formats.
func decodeConfig(data []byte, contentType string) (image.Config, error) {
	r := bytes.NewReader(data)
	switch contentType {
	case "image/jpeg":
		return jpeg.DecodeConfig(r)
	case "image/png":
		return png.DecodeConfig(r)
	case "image/gif":
		return gif.DecodeConfig(r)
	case "image/webp":
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("unsupported image type %q", contentType)
}

func decode(data []byte) (image.Image, error) {
	contentType := http.DetectContentType(data)
	cfg, err := decodeConfig(data, contentType)
	if err != nil {
		return nil, err
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, fmt.Errorf("image of %d×%d pixels is too large", cfg.Width, cfg.Height)
	}
	r := bytes.NewReader(data)
	switch contentType {
	case "image/jpeg":
		return jpeg.Decode(r)
	case "image/png":
		return png.Decode(r)
	case "image/gif":
		return gif.Decode(r)
	case "image/webp":
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("unsupported image type %q", contentType)
}

// MakeThumbnails reads the image stored under key and writes one JPEG per
// Size under ThumbKey(key, size): scaled with Catmull-Rom so its longest side
// is the size's Pixels, never enlarged, transparency flattened onto white.
// It is idempotent, so a retried job may run it again. A missing original
// wraps fault.ErrNotFound; an undecodable one wraps ErrUnreadable.
func (s *Store) MakeThumbnails(ctx context.Context, key string) error {
	data, err := s.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("make thumbnails: %w", err)
	}
	src, err := decode(data)
	if err != nil {
		return fmt.Errorf("make thumbnails of %s: %w: %w", key, ErrUnreadable, err)
	}
	// Largest first; each smaller size is scaled from the one before, which
	// is several times faster than scaling the original three times and
	// looks the same at these ratios.
	// A JPEG that already fits a size is that size's thumbnail as it is.
	isJPEG := http.DetectContentType(data) == "image/jpeg"
	var cur image.Image = src
	for i := len(Sizes) - 1; i >= 0; i-- {
		size := Sizes[i]
		b := src.Bounds()
		var out []byte
		if isJPEG && b.Dx() <= size.Pixels() && b.Dy() <= size.Pixels() {
			out = data
		} else {
			cur = Thumbnail(cur, size.Pixels())
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, cur, &jpeg.Options{Quality: ThumbQuality}); err != nil {
				return fmt.Errorf("encode %s thumbnail of %s: %w", size, key, err)
			}
			out = buf.Bytes()
		}
		if err := s.Put(ctx, ThumbKey(key, size), "image/jpeg", bytes.NewReader(out)); err != nil {
			return fmt.Errorf("make thumbnails: %w", err)
		}
	}
	return nil
}

// Thumbnail returns src scaled with Catmull-Rom so that its longest side is
// at most longest pixels, keeping the aspect ratio and never enlarging, drawn
// over white (JPEG has no transparency).
func Thumbnail(src image.Image, longest int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > longest || h > longest {
		if w >= h {
			h = max(1, (h*longest+w/2)/w)
			w = longest
		} else {
			w = max(1, (w*longest+h/2)/h)
			h = longest
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Opaque sources (every JPEG) are copied; others are drawn over white.
	op := draw.Src
	if o, ok := src.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, op)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, op, nil)
	}
	return dst
}
