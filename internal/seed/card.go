package seed

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// cardSize is the side of a generated product image in pixels.
const cardSize = 640

// card draws a product image: a diagonal gradient around hue, a few soft
// translucent circles, and a rounded "product" block with a shadow, then
// encodes it as JPEG. The same rng state gives the same bytes.
func card(rng *rand.Rand, hue float64) []byte {
	img := image.NewRGBA(image.Rect(0, 0, cardSize, cardSize))
	h := hue + rng.Float64()*20 - 10
	c1 := hsl(h, 0.55, 0.86)
	c2 := hsl(h+28, 0.50, 0.62)
	pix := img.Pix
	for y := range cardSize {
		for x := range cardSize {
			t := float64(x+y) / float64(2*cardSize-2)
			i := y*img.Stride + x*4
			pix[i] = lerp(c1[0], c2[0], t)
			pix[i+1] = lerp(c1[1], c2[1], t)
			pix[i+2] = lerp(c1[2], c2[2], t)
			pix[i+3] = 255
		}
	}
	for range 2 + rng.IntN(3) {
		cx := rng.Float64() * cardSize
		cy := rng.Float64() * cardSize
		r := cardSize * (0.12 + rng.Float64()*0.25)
		col := hsl(h+180*float64(rng.IntN(2))+rng.Float64()*30, 0.45, 0.92)
		circle(img, cx, cy, r, col, 0.25+rng.Float64()*0.2)
	}
	// The product: a rounded block with a darker lid band and a shadow.
	w := cardSize * (0.38 + rng.Float64()*0.14)
	bh := cardSize * (0.30 + rng.Float64()*0.22)
	x0 := (cardSize - w) / 2
	y0 := (cardSize-bh)/2 + cardSize*0.04
	roundRect(img, x0+14, y0+18, w, bh, 28, [3]uint8{0, 0, 0}, 0.18)
	body := hsl(h+float64(rng.IntN(3)-1)*40, 0.50, 0.45+rng.Float64()*0.15)
	roundRect(img, x0, y0, w, bh, 28, body, 1)
	roundRect(img, x0, y0, w, bh*0.22, 28, hsl(h, 0.35, 0.95), 0.55)
	circle(img, x0+w/2, y0+bh*0.62, math.Min(w, bh)*0.16, hsl(h, 0.3, 0.97), 0.9)
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}) // writing to memory cannot fail
	return buf.Bytes()
}

func lerp(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }

// blend mixes col into the pixel at (x, y) with opacity a.
func blend(img *image.RGBA, x, y int, col [3]uint8, a float64) {
	if x < 0 || y < 0 || x >= cardSize || y >= cardSize || a <= 0 {
		return
	}
	i := y*img.Stride + x*4
	for k := range 3 {
		img.Pix[i+k] = uint8(float64(img.Pix[i+k])*(1-a) + float64(col[k])*a + 0.5)
	}
}

// circle fills a disc with a one-pixel antialiased edge.
func circle(img *image.RGBA, cx, cy, r float64, col [3]uint8, a float64) {
	for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
		for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			blend(img, x, y, col, a*math.Max(0, math.Min(1, r-d+0.5)))
		}
	}
}

// roundRect fills a rectangle with corners of radius rad, antialiased.
func roundRect(img *image.RGBA, x0, y0, w, h, rad float64, col [3]uint8, a float64) {
	rad = math.Min(rad, math.Min(w, h)/2)
	for y := int(y0); y <= int(y0+h); y++ {
		for x := int(x0); x <= int(x0+w); x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			// Distance outside the rectangle shrunk by rad, minus rad.
			dx := math.Max(math.Abs(px-(x0+w/2))-(w/2-rad), 0)
			dy := math.Max(math.Abs(py-(y0+h/2))-(h/2-rad), 0)
			d := math.Hypot(dx, dy) - rad
			blend(img, x, y, col, a*math.Max(0, math.Min(1, 0.5-d)))
		}
	}
}

// hsl converts hue (degrees), saturation and lightness (0–1) to RGB.
func hsl(h, s, l float64) [3]uint8 {
	h = math.Mod(math.Mod(h, 360)+360, 360) / 360
	f := func(n float64) uint8 {
		k := math.Mod(n+h*12, 12)
		a := s * math.Min(l, 1-l)
		v := l - a*math.Max(-1, math.Min(math.Min(k-3, 9-k), 1))
		return uint8(math.Round(v * 255))
	}
	return [3]uint8{f(0), f(8), f(4)}
}
