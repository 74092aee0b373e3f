package seed

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"golang.org/x/image/vector"
)

// cardSize is the side of a generated product image in pixels.
const cardSize = 640

// shape draws one kind of product (a T-shirt, a mug, a bag of coffee) in
// col, on a 100 × 100 canvas whose floor is at about y = 88.
type shape func(c *canvas, rng *rand.Rand, col color.NRGBA)

// card draws a picture of a product of kind k, as a shop's studio photo
// would show it: the product, in one of the kind's colours, on a soft
// background tinted by hue with a shadow under it; then encodes it as
// JPEG. It reads nothing but rng, so the same rng state gives the same
// bytes.
func card(rng *rand.Rand, hue float64, k *kind) []byte {
	c := newCanvas()
	h := hue + rng.Float64()*24 - 12
	top, bottom := hsl(h, 0.30, 0.95), hsl(h, 0.28, 0.85)
	pix := c.img.Pix
	for y := range cardSize {
		t := float64(y) / float64(cardSize-1)
		row := pix[y*c.img.Stride : y*c.img.Stride+cardSize*4]
		r, g, b := lerp(top[0], bottom[0], t), lerp(top[1], bottom[1], t), lerp(top[2], bottom[2], t)
		for x := 0; x < len(row); x += 4 {
			row[x], row[x+1], row[x+2], row[x+3] = r, g, b, 255
		}
	}
	paint := k.paint
	if len(paint) == 0 {
		paint = paintGadget
	}
	col := rgb(paint[rng.IntN(len(paint))])
	// A soft disc behind the product, darker behind a light one, and its
	// shadow on the floor.
	c.ellipse(50+rng.Float64()*8-4, 48, 40, 40)
	if light(col) {
		c.fill(rgba(0x5a6470, 0.16))
	} else {
		c.fill(rgba(0xffffff, 0.35))
	}
	c.ellipse(50, 89, 34, 4.5)
	c.fill(rgba(0x000000, 0.10))
	k.shape(c, rng, col)
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, c.img, &jpeg.Options{Quality: 85}) // writing to memory cannot fail
	return buf.Bytes()
}

// canvas is a picture being drawn: a path in 100 × 100 units is filled
// with antialiasing by x/image/vector, within the path's bounding box.
type canvas struct {
	img  *image.RGBA
	z    vector.Rasterizer
	ops  []pathOp
	minX float32
	minY float32
	maxX float32
	maxY float32
}

type pathOp struct {
	op  byte // 'M', 'L', 'Q', 'C', 'Z'
	pts [6]float32
}

const unit = cardSize / 100.0

func newCanvas() *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, cardSize, cardSize))}
	c.reset()
	return c
}

func (c *canvas) reset() {
	c.ops = c.ops[:0]
	c.minX, c.minY, c.maxX, c.maxY = math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32
}

func (c *canvas) add(op byte, xy ...float64) {
	var o pathOp
	o.op = op
	for i := 0; i+1 < len(xy); i += 2 {
		x, y := float32(xy[i]*unit), float32(xy[i+1]*unit)
		o.pts[i], o.pts[i+1] = x, y
		c.minX, c.maxX = min(c.minX, x), max(c.maxX, x)
		c.minY, c.maxY = min(c.minY, y), max(c.maxY, y)
	}
	c.ops = append(c.ops, o)
}

func (c *canvas) moveTo(x, y float64)                 { c.add('M', x, y) }
func (c *canvas) lineTo(x, y float64)                 { c.add('L', x, y) }
func (c *canvas) quadTo(bx, by, x, y float64)         { c.add('Q', bx, by, x, y) }
func (c *canvas) cubeTo(bx, by, cx, cy, x, y float64) { c.add('C', bx, by, cx, cy, x, y) }
func (c *canvas) closePath()                          { c.add('Z') }

// fill paints the path drawn since the last fill in col and starts a new
// one. Overlapping parts of the path wound the other way are holes.
func (c *canvas) fill(col color.NRGBA) {
	defer c.reset()
	r := image.Rect(int(c.minX)-1, int(c.minY)-1, int(c.maxX)+2, int(c.maxY)+2).Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	c.z.Reset(r.Dx(), r.Dy())
	c.z.DrawOp = draw.Over
	for _, o := range c.ops {
		p := o.pts
		switch o.op {
		case 'M':
			c.z.MoveTo(p[0]-ox, p[1]-oy)
		case 'L':
			c.z.LineTo(p[0]-ox, p[1]-oy)
		case 'Q':
			c.z.QuadTo(p[0]-ox, p[1]-oy, p[2]-ox, p[3]-oy)
		case 'C':
			c.z.CubeTo(p[0]-ox, p[1]-oy, p[2]-ox, p[3]-oy, p[4]-ox, p[5]-oy)
		case 'Z':
			c.z.ClosePath()
		}
	}
	c.z.Draw(c.img, r, image.NewUniform(col), image.Point{})
}

// Shapes added to the path.

// poly adds a closed polygon through the points x0, y0, x1, y1, ….
func (c *canvas) poly(xy ...float64) {
	c.moveTo(xy[0], xy[1])
	for i := 2; i+1 < len(xy); i += 2 {
		c.lineTo(xy[i], xy[i+1])
	}
	c.closePath()
}

// kappa places the control points of a cubic quarter circle.
const kappa = 0.5523

// ellipse adds an ellipse, clockwise.
func (c *canvas) ellipse(cx, cy, rx, ry float64) {
	kx, ky := rx*kappa, ry*kappa
	c.moveTo(cx+rx, cy)
	c.cubeTo(cx+rx, cy+ky, cx+kx, cy+ry, cx, cy+ry)
	c.cubeTo(cx-kx, cy+ry, cx-rx, cy+ky, cx-rx, cy)
	c.cubeTo(cx-rx, cy-ky, cx-kx, cy-ry, cx, cy-ry)
	c.cubeTo(cx+kx, cy-ry, cx+rx, cy-ky, cx+rx, cy)
	c.closePath()
}

// hole adds an ellipse counter-clockwise: inside one added clockwise, a hole.
func (c *canvas) hole(cx, cy, rx, ry float64) {
	kx, ky := rx*kappa, ry*kappa
	c.moveTo(cx+rx, cy)
	c.cubeTo(cx+rx, cy-ky, cx+kx, cy-ry, cx, cy-ry)
	c.cubeTo(cx-kx, cy-ry, cx-rx, cy-ky, cx-rx, cy)
	c.cubeTo(cx-rx, cy+ky, cx-kx, cy+ry, cx, cy+ry)
	c.cubeTo(cx+kx, cy+ry, cx+rx, cy+ky, cx+rx, cy)
	c.closePath()
}

// rect adds a rectangle with corners of radius r.
func (c *canvas) rect(x, y, w, h, r float64) {
	r = math.Min(r, math.Min(w, h)/2)
	if r <= 0 {
		c.poly(x, y, x+w, y, x+w, y+h, x, y+h)
		return
	}
	c.moveTo(x+r, y)
	c.lineTo(x+w-r, y)
	c.quadTo(x+w, y, x+w, y+r)
	c.lineTo(x+w, y+h-r)
	c.quadTo(x+w, y+h, x+w-r, y+h)
	c.lineTo(x+r, y+h)
	c.quadTo(x, y+h, x, y+h-r)
	c.lineTo(x, y+r)
	c.quadTo(x, y, x+r, y)
	c.closePath()
}

// line adds a stroke of width w from (x0, y0) to (x1, y1).
func (c *canvas) line(x0, y0, x1, y1, w float64) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	c.poly(x0+nx, y0+ny, x1+nx, y1+ny, x1-nx, y1-ny, x0-nx, y0-ny)
}

// arc adds a stroke of width w along the circle around (cx, cy) of radius
// r from angle a0 to a1 (degrees, clockwise from the x axis, y down).
func (c *canvas) arc(cx, cy, r, a0, a1, w float64) {
	const steps = 24
	pt := func(a, rr float64) (float64, float64) {
		s, co := math.Sincos(a * math.Pi / 180)
		return cx + rr*co, cy + rr*s
	}
	for i := 0; i <= steps; i++ {
		x, y := pt(a0+(a1-a0)*float64(i)/steps, r+w/2)
		if i == 0 {
			c.moveTo(x, y)
		} else {
			c.lineTo(x, y)
		}
	}
	for i := steps; i >= 0; i-- {
		x, y := pt(a0+(a1-a0)*float64(i)/steps, r-w/2)
		c.lineTo(x, y)
	}
	c.closePath()
}

// oval adds an ellipse turned by angle degrees.
func (c *canvas) oval(cx, cy, rx, ry, angle float64) {
	const steps = 32
	s, co := math.Sincos(angle * math.Pi / 180)
	for i := range steps {
		t := 2 * math.Pi * float64(i) / steps
		x, y := rx*math.Cos(t), ry*math.Sin(t)
		px, py := cx+x*co-y*s, cy+x*s+y*co
		if i == 0 {
			c.moveTo(px, py)
		} else {
			c.lineTo(px, py)
		}
	}
	c.closePath()
}

// Colours.

func rgb(v uint32) color.NRGBA {
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
}

func rgba(v uint32, a float64) color.NRGBA {
	c := rgb(v)
	c.A = uint8(a*255 + 0.5)
	return c
}

// shade darkens col by f (0–1), or lightens it for negative f.
func shade(col color.NRGBA, f float64) color.NRGBA {
	mix := func(v uint8) uint8 {
		if f >= 0 {
			return uint8(float64(v)*(1-f) + 0.5)
		}
		return uint8(float64(v) + (255-float64(v))*-f + 0.5)
	}
	return color.NRGBA{mix(col.R), mix(col.G), mix(col.B), col.A}
}

// light tells whether col is light, for details that must stand out on it.
func light(col color.NRGBA) bool {
	return 0.299*float64(col.R)+0.587*float64(col.G)+0.114*float64(col.B) > 150
}

// contrast is a dark shade of a light colour or a light one of a dark one.
func contrast(col color.NRGBA, f float64) color.NRGBA {
	if light(col) {
		return shade(col, f)
	}
	return shade(col, -f)
}

func lerp(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }

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

func sincos(deg float64) (float64, float64) { return math.Sincos(deg * math.Pi / 180) }
