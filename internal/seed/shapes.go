package seed

import (
	"image/color"
	"math/rand/v2"
)

// The shapes of the demo's kinds of product, each drawn on a 100 × 100
// canvas standing on the floor at about y = 88.

// Clothes.

// upper draws a top: sleeves reaching down to sleeveY at the cuff and a body
// down to hem.
func upper(c *canvas, col color.NRGBA, sleeveY, hem float64) {
	if sleeveY < 50 { // short sleeves
		c.poly(38, 16, 23, 21, 8, 38, 17, 47, 28, 40, 28, hem, 72, hem, 72, 40, 83, 47, 92, 38, 77, 21, 62, 16)
	} else {
		c.poly(38, 16, 24, 20, 13, sleeveY, 22, sleeveY+2, 29, 38, 29, hem, 71, hem, 71, 38, 78, sleeveY+2, 87, sleeveY, 76, 20, 62, 16)
	}
	c.fill(col)
	// The neckline.
	c.moveTo(38, 16)
	c.quadTo(50, 30, 62, 16)
	c.lineTo(58, 16)
	c.quadTo(50, 24, 42, 16)
	c.closePath()
	c.fill(shade(col, 0.25))
	// Folds.
	c.line(40, 45, 44, hem-4, 0.8)
	c.line(60, 50, 57, hem-6, 0.8)
	c.fill(shade(col, 0.08))
}

func tshirt(c *canvas, _ *rand.Rand, col color.NRGBA) {
	upper(c, col, 40, 86)
}

func sweatshirt(c *canvas, _ *rand.Rand, col color.NRGBA) {
	upper(c, col, 74, 84)
	c.rect(29, 80, 42, 6, 1)
	c.rect(12.5, 72, 10, 5, 1)
	c.rect(77.5, 72, 10, 5, 1)
	c.fill(shade(col, 0.15))
}

func hoodie(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.ellipse(50, 17, 15, 10)
	c.fill(shade(col, 0.2))
	upper(c, col, 74, 86)
	c.rect(49.2, 24, 1.6, 62, 0)
	c.fill(contrast(col, 0.4))
	c.line(44, 22, 43, 38, 1)
	c.line(56, 22, 57, 38, 1)
	c.rect(34, 62, 32, 14, 3)
	c.fill(shade(col, 0.12))
}

func shirt(c *canvas, _ *rand.Rand, col color.NRGBA) {
	upper(c, col, 74, 86)
	c.poly(38, 14, 50, 26, 42, 30)
	c.poly(62, 14, 50, 26, 58, 30)
	c.fill(shade(col, 0.12))
	for y := 32.0; y < 84; y += 9 {
		c.ellipse(50, y, 1.1, 1.1)
	}
	c.line(50, 26, 50, 86, 0.5)
	c.fill(contrast(col, 0.35))
}

func cardigan(c *canvas, _ *rand.Rand, col color.NRGBA) {
	upper(c, col, 74, 84)
	c.poly(40, 16, 50, 50, 60, 16, 56, 16, 50, 42, 44, 16)
	c.fill(shade(col, 0.2))
	for y := 54.0; y < 82; y += 8 {
		c.ellipse(50, y, 1.4, 1.4)
	}
	c.fill(contrast(col, 0.4))
	c.rect(29, 80, 42, 5, 1)
	c.fill(shade(col, 0.12))
}

func coat(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.poly(38, 10, 24, 14, 14, 70, 22, 72, 29, 32, 27, 90, 73, 90, 71, 32, 78, 72, 86, 70, 76, 14, 62, 10)
	c.fill(col)
	c.poly(38, 10, 50, 40, 43, 44, 34, 14)
	c.poly(62, 10, 50, 40, 57, 44, 66, 14)
	c.fill(shade(col, 0.15))
	c.rect(28, 50, 44, 4, 1)
	c.fill(shade(col, 0.25))
	for _, y := range []float64{36, 46, 60} {
		c.ellipse(44, y, 1.4, 1.4)
		c.ellipse(56, y, 1.4, 1.4)
	}
	c.fill(shade(col, 0.45))
}

func pants(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.poly(30, 12, 70, 12, 74, 88, 55, 88, 50, 36, 45, 88, 26, 88)
	c.fill(col)
	c.rect(30, 12, 40, 6, 1)
	c.fill(shade(col, 0.2))
	c.line(40, 20, 37, 86, 0.7)
	c.line(60, 20, 63, 86, 0.7)
	c.fill(shade(col, 0.12))
}

func jeans(c *canvas, rng *rand.Rand, col color.NRGBA) {
	pants(c, rng, col)
	c.arc(36, 18, 8, 0, 90, 0.8)
	c.arc(64, 18, 8, 90, 180, 0.8)
	c.line(50, 18, 50, 34, 0.6)
	c.fill(shade(col, -0.35))
	c.ellipse(50, 15, 1.2, 1.2)
	c.fill(rgb(0xc9a24a))
}

func dress(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.line(39, 8, 41, 18, 2)
	c.line(61, 8, 59, 18, 2)
	c.fill(shade(col, 0.1))
	c.moveTo(37, 16)
	c.quadTo(50, 26, 63, 16)
	c.lineTo(64, 40)
	c.quadTo(76, 62, 82, 88)
	c.quadTo(50, 92, 18, 88)
	c.quadTo(24, 62, 36, 40)
	c.closePath()
	c.fill(col)
	c.rect(35, 38, 30, 4, 1)
	c.fill(shade(col, 0.25))
	for _, x := range []float64{38, 46, 54, 62} {
		c.line(x+(x-50)*0.1, 44, x+(x-50)*0.6, 88, 0.6)
	}
	c.fill(shade(col, 0.12))
}

// Shoes and bags.

func sneaker(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.moveTo(14, 68)
	c.lineTo(15, 50)
	c.quadTo(17, 40, 30, 41)
	c.lineTo(42, 44)
	c.quadTo(58, 46, 72, 56)
	c.quadTo(88, 59, 88, 68)
	c.closePath()
	c.fill(col)
	c.rect(12, 66, 78, 9, 4)
	c.fill(rgb(0xf4f2ec))
	c.rect(12, 72, 78, 3, 1.5)
	c.fill(rgb(0xcfcac0))
	for i := range 4 {
		x := 42 + float64(i)*6
		c.line(x, 45+float64(i)*2, x+4, 49+float64(i)*2.5, 1.4)
	}
	c.fill(contrast(col, 0.5))
	c.arc(24, 60, 6, 180, 300, 1)
	c.fill(shade(col, 0.2))
}

func loafer(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.moveTo(14, 70)
	c.lineTo(15, 56)
	c.quadTo(18, 50, 30, 52)
	c.quadTo(44, 56, 54, 52)
	c.quadTo(76, 52, 88, 64)
	c.quadTo(90, 70, 86, 70)
	c.closePath()
	c.fill(col)
	c.rect(12, 69, 78, 5, 2)
	c.fill(rgb(0x3a2a20))
	c.rect(52, 55, 16, 3, 1)
	c.fill(shade(col, 0.3))
	c.moveTo(30, 53)
	c.quadTo(44, 60, 54, 53)
	c.lineTo(54, 55)
	c.quadTo(44, 62, 30, 55)
	c.closePath()
	c.fill(shade(col, 0.35))
}

func boot(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.moveTo(20, 72)
	c.lineTo(21, 16)
	c.lineTo(47, 16)
	c.lineTo(49, 48)
	c.quadTo(72, 50, 84, 62)
	c.quadTo(88, 70, 84, 72)
	c.closePath()
	c.fill(col)
	c.poly(31, 18, 41, 18, 42, 46, 30, 46)
	c.fill(shade(col, 0.3))
	c.rect(19, 16, 28, 3, 1)
	c.fill(shade(col, 0.15))
	c.rect(18, 71, 70, 6, 2)
	c.rect(18, 71, 12, 12, 1)
	c.fill(rgb(0x2a211c))
}

func tote(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.arc(50, 40, 14, 180, 360, 3)
	c.fill(shade(col, 0.2))
	c.poly(22, 40, 78, 40, 82, 88, 18, 88)
	c.fill(col)
	c.rect(21, 40, 58, 5, 0)
	c.fill(shade(col, 0.12))
	c.line(36, 40, 35, 50, 3)
	c.line(64, 40, 65, 50, 3)
	c.fill(shade(col, 0.22))
}

func backpack(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.arc(50, 22, 8, 180, 360, 2.5)
	c.fill(shade(col, 0.3))
	c.rect(20, 30, 8, 46, 3)
	c.rect(72, 30, 8, 46, 3)
	c.fill(shade(col, 0.25))
	c.rect(26, 20, 48, 68, 14)
	c.fill(col)
	c.rect(32, 58, 36, 26, 7)
	c.fill(shade(col, 0.12))
	c.line(36, 60, 64, 60, 1)
	c.line(32, 34, 68, 34, 1)
	c.fill(shade(col, 0.3))
	c.rect(46, 57, 8, 5, 1)
	c.fill(contrast(col, 0.5))
}

func crossbody(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.arc(50, 54, 32, 195, 345, 2)
	c.fill(shade(col, 0.25))
	c.rect(26, 48, 48, 36, 6)
	c.fill(col)
	c.rect(26, 48, 48, 20, 6)
	c.fill(shade(col, 0.14))
	c.rect(46, 64, 8, 6, 1.5)
	c.fill(rgb(0xc9a24a))
}

// Kitchen.

func pan(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.line(72, 56, 96, 44, 6)
	c.fill(rgb(0x2a2420))
	c.ellipse(42, 60, 32, 22)
	c.fill(shade(col, 0.2))
	c.ellipse(42, 58, 30, 20)
	c.fill(col)
	c.ellipse(42, 60, 25, 15.5)
	c.fill(shade(col, -0.12))
}

func pot(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(14, 46, 10, 5, 2)
	c.rect(76, 46, 10, 5, 2)
	c.fill(shade(col, 0.3))
	c.rect(22, 40, 56, 44, 6)
	c.fill(col)
	c.ellipse(50, 40, 28, 6)
	c.fill(shade(col, 0.15))
	c.ellipse(50, 37, 27, 5.5)
	c.fill(shade(col, -0.15))
	c.rect(46, 28, 8, 8, 3)
	c.fill(rgb(0x2a2420))
	c.rect(24, 60, 4, 20, 2)
	c.fill(shade(col, -0.3))
}

func mug(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.ellipse(70, 58, 13, 14)
	c.hole(70, 58, 8, 9)
	c.fill(shade(col, 0.1))
	c.rect(26, 30, 46, 56, 7)
	c.fill(col)
	c.ellipse(49, 31, 23, 5)
	c.fill(shade(col, 0.3))
	c.rect(30, 40, 4, 36, 2)
	c.fill(shade(col, -0.3))
}

func plate(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.ellipse(50, 62, 42, 26)
	c.fill(shade(col, 0.1))
	c.ellipse(50, 60, 41, 25)
	c.fill(col)
	c.ellipse(50, 61, 28, 16)
	c.fill(shade(col, 0.06))
	c.arc(50, 60, 36, 200, 250, 1.2)
	c.fill(shade(col, -0.4))
}

func board(c *canvas, rng *rand.Rand, col color.NRGBA) {
	c.rect(70, 46, 20, 12, 6)
	c.hole(83, 52, 2.5, 2.5)
	c.rect(14, 32, 62, 48, 8)
	c.fill(col)
	for range 6 {
		y := 36 + rng.Float64()*40
		c.line(18, y, 72, y+rng.Float64()*4-2, 0.5)
	}
	c.fill(shade(col, 0.15))
	c.rect(14, 76, 62, 4, 2)
	c.fill(shade(col, 0.25))
}

func container(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, w := range []float64{56, 44} {
		y := 50 - float64(i)*26
		x := 50 - w/2
		c.rect(x, y+6, w, 30, 5)
		c.fill(rgba(0xdfeff2, 0.75))
		c.rect(x+4, y+10, 4, 20, 2)
		c.fill(rgba(0xffffff, 0.8))
		c.rect(x-2, y, w+4, 8, 3)
		c.fill(col)
		c.rect(x+4, y+7, 6, 5, 1)
		c.rect(x+w-10, y+7, 6, 5, 1)
		c.fill(shade(col, 0.25))
	}
}

func kettle(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.arc(50, 40, 20, 190, 350, 3)
	c.fill(rgb(0x2a2420))
	c.moveTo(70, 62)
	c.lineTo(88, 40)
	c.lineTo(90, 44)
	c.lineTo(74, 72)
	c.closePath()
	c.fill(shade(col, 0.15))
	c.moveTo(26, 86)
	c.quadTo(22, 44, 50, 40)
	c.quadTo(78, 44, 74, 86)
	c.closePath()
	c.fill(col)
	c.ellipse(50, 42, 12, 3)
	c.fill(shade(col, 0.2))
	c.ellipse(50, 37, 3, 3)
	c.fill(rgb(0x2a2420))
	c.rect(32, 52, 3, 26, 1.5)
	c.fill(shade(col, -0.35))
}

// Bathroom.

func towels(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i := range 3 {
		y := 70 - float64(i)*15
		w := 64 - float64(i)*4
		c.rect(50-w/2, y, w, 16, 7)
		f := []float64{0.12, 0.04, -0.08}[i]
		c.fill(shade(col, f))
		c.rect(50-w/2+6, y+11, w-12, 2, 1)
		c.fill(shade(col, f+0.12))
	}
}

func bathMat(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.poly(22, 56, 84, 56, 92, 82, 10, 82)
	c.fill(shade(col, 0.1))
	c.poly(22, 54, 84, 54, 92, 80, 10, 80)
	c.fill(col)
	for i := range 5 {
		x := 28 + float64(i)*12
		c.line(x, 56, x-6+float64(i)*2, 78, 1.2)
	}
	c.fill(shade(col, 0.12))
}

func pumpBottle(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(44, 20, 12, 12, 2)
	c.line(56, 18, 68, 18, 3)
	c.rect(42, 14, 16, 6, 2)
	c.fill(rgb(0x3a3a3a))
	c.rect(32, 30, 36, 58, 9)
	c.fill(col)
	c.rect(37, 50, 26, 26, 2)
	c.fill(rgba(0xffffff, 0.85))
	c.rect(41, 56, 18, 3, 1)
	c.rect(43, 62, 14, 2, 1)
	c.fill(shade(col, 0.45))
	c.rect(35, 34, 3, 50, 1.5)
	c.fill(rgba(0xffffff, 0.35))
}

func soap(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(20, 64, 48, 22, 10)
	c.fill(shade(col, 0.12))
	c.rect(34, 48, 48, 24, 11)
	c.fill(col)
	c.ellipse(58, 58, 12, 5)
	c.fill(shade(col, 0.08))
	c.ellipse(52, 54, 9, 2)
	c.fill(rgba(0xffffff, 0.4))
}

func toothbrushes(c *canvas, _ *rand.Rand, col color.NRGBA) {
	cols := []color.NRGBA{col, rgb(0x5b8fb9), rgb(0x8fc1a9), rgb(0xe9a8a0)}
	for i := range 3 {
		x := 30 + float64(i)*16
		c.line(x, 88, x+10, 30, 4.5)
		c.fill(cols[i])
		c.line(x+10.5, 28, x+13, 12, 5)
		c.fill(rgb(0xf4f4f0))
	}
}

// Stationery.

func notebook(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(30, 16, 46, 70, 2)
	c.fill(rgb(0xf2efe6))
	c.rect(26, 14, 46, 70, 2)
	c.fill(col)
	c.rect(26, 14, 6, 70, 1)
	c.fill(shade(col, 0.2))
	c.rect(40, 30, 24, 10, 1)
	c.fill(rgba(0xffffff, 0.9))
}

func planner(c *canvas, rng *rand.Rand, col color.NRGBA) {
	notebook(c, rng, col)
	c.rect(62, 12, 3, 74, 0)
	c.fill(rgb(0x2a2a2a))
	c.rect(46, 84, 3, 8, 0)
	c.fill(rgb(0xc94f4f))
}

func fountainPen(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.line(28, 78, 62, 34, 9)
	c.fill(col)
	c.line(54, 44, 74, 18, 10)
	c.fill(shade(col, 0.15))
	c.line(56, 42, 58, 40, 10)
	c.fill(rgb(0xc9a24a))
	c.line(60, 30, 72, 14, 1.5)
	c.fill(rgb(0xc9a24a))
	c.poly(28, 78, 22, 82, 17, 90, 25, 86, 31, 80)
	c.fill(rgb(0xc9a24a))
}

var penColours = []uint32{0x26282c, 0xc94f4f, 0x2f5d9a, 0x3e8b58, 0x8a5ab0, 0xf2a541}

func pens(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, v := range penColours[:5] {
		x := 26 + float64(i)*12
		c.rect(x, 24, 7, 56, 3)
		c.fill(rgba(0xf4f4f0, 1))
		c.rect(x, 16, 7, 18, 3)
		c.rect(x+2.5, 80, 2, 6, 1)
		c.fill(rgb(v))
		c.rect(x+5.5, 18, 1.5, 16, 0.5)
		c.fill(col)
	}
}

func pencils(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i := range 6 {
		x := 22 + float64(i)*10
		y := 20 + float64(i%2)*6
		c.rect(x, y+12, 8, 60-float64(i%2)*6, 0.5)
		if i%2 == 0 {
			c.fill(col)
		} else {
			c.fill(shade(col, -0.3))
		}
		c.poly(x, y+12, x+8, y+12, x+4, y)
		c.fill(rgb(0xe8c99a))
		c.poly(x+2.6, y+4, x+5.4, y+4, x+4, y)
		c.fill(rgb(0x2a2a2a))
	}
}

func tapes(c *canvas, rng *rand.Rand, _ color.NRGBA) {
	for i := range 3 {
		cx := 30 + float64(i)*20
		cy := 66 - float64(i%2)*10
		v := paintPastel[(rng.IntN(len(paintPastel))+i)%len(paintPastel)]
		c.ellipse(cx, cy, 16, 16)
		c.hole(cx, cy, 9, 9)
		c.fill(rgb(v))
		c.ellipse(cx, cy, 9, 9)
		c.hole(cx, cy, 7.5, 7.5)
		c.fill(rgb(0xd9c8a8))
	}
}

func postcards(c *canvas, rng *rand.Rand, _ color.NRGBA) {
	for i := range 3 {
		a := -14 + float64(i)*14
		cx, cy := 38+float64(i)*12, 56-float64(i)*3
		c.oval(cx, cy, 26, 19, a) // a soft shadow
		c.fill(rgba(0x000000, 0.05))
		rotRect(c, cx, cy, 44, 30, a)
		c.fill(rgb(0xfbfaf6))
		rotRect(c, cx, cy, 38, 24, a)
		c.fill(rgb(paintPastel[(rng.IntN(len(paintPastel))+i)%len(paintPastel)]))
	}
}

// rotRect adds a w × h rectangle centred on (cx, cy) turned by a degrees.
func rotRect(c *canvas, cx, cy, w, h, a float64) {
	pts := [][2]float64{{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}}
	xy := make([]float64, 0, 8)
	s, co := sincos(a)
	for _, p := range pts {
		xy = append(xy, cx+p[0]*co-p[1]*s, cy+p[0]*s+p[1]*co)
	}
	c.poly(xy...)
}

// Audio.

func earbuds(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(28, 50, 44, 36, 16)
	c.fill(col)
	c.rect(28, 60, 44, 1.2, 0)
	c.fill(shade(col, 0.2))
	c.ellipse(50, 74, 1.5, 1.5)
	c.fill(rgb(0x4cd964))
	for _, x := range []float64{36, 64} {
		c.line(x, 26, x+(50-x)*0.1, 44, 5)
		c.fill(shade(col, 0.08))
		c.ellipse(x, 24, 7, 7)
		c.fill(col)
		c.ellipse(x, 24, 3.5, 3.5)
		c.fill(shade(col, 0.3))
	}
}

func headphones(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.arc(50, 52, 30, 190, 350, 5)
	c.fill(col)
	for _, x := range []float64{14, 70} {
		c.rect(x, 46, 16, 32, 7)
		c.fill(col)
		off := 10.0
		if x > 50 {
			off = -2
		}
		c.rect(x+off-2, 48, 8, 28, 4)
		c.fill(shade(col, 0.35))
	}
}

func speaker(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(26, 22, 48, 66, 20)
	c.fill(col)
	for y := range 7 {
		for x := range 5 {
			c.ellipse(36+float64(x)*7, 34+float64(y)*7, 1.3, 1.3)
		}
	}
	c.fill(shade(col, 0.3))
	c.rect(44, 84, 12, 4, 2)
	c.fill(shade(col, 0.3))
}

func soundbar(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(6, 58, 88, 16, 8)
	c.fill(col)
	for x := range 24 {
		c.ellipse(14+float64(x)*3.1, 66, 0.8, 0.8)
	}
	c.fill(shade(col, -0.2))
	c.ellipse(88, 66, 1, 1)
	c.fill(rgb(0xffffff))
}

func turntable(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(10, 40, 80, 44, 4)
	c.fill(col)
	c.rect(10, 80, 80, 4, 2)
	c.fill(shade(col, 0.3))
	c.ellipse(42, 60, 25, 16)
	c.fill(rgb(0x18181a))
	c.ellipse(42, 60, 7, 4.5)
	c.fill(rgb(0xc94f4f))
	c.line(80, 46, 76, 64, 1.5)
	c.line(76, 64, 62, 66, 1.5)
	c.fill(rgb(0xb8bcc2))
	c.ellipse(80, 46, 3, 3)
	c.fill(rgb(0x9aa0a8))
}

func microphone(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.ellipse(50, 86, 18, 4)
	c.fill(rgb(0x2a2a2a))
	c.line(50, 60, 50, 86, 3)
	c.fill(rgb(0x3a3a3a))
	c.arc(50, 46, 16, 20, 160, 2.5)
	c.fill(shade(col, 0.2))
	c.rect(40, 14, 20, 42, 10)
	c.fill(col)
	for y := 20.0; y < 36; y += 3 {
		c.line(42, y, 58, y, 0.6)
	}
	c.fill(contrast(col, 0.4))
}

// Digital goods.

func course(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(16, 22, 68, 46, 3)
	c.fill(rgb(0x2a2b2e))
	c.rect(19, 25, 62, 40, 1)
	c.fill(col)
	c.ellipse(50, 45, 10, 10)
	c.fill(rgba(0xffffff, 0.9))
	c.poly(47, 39, 47, 51, 56, 45)
	c.fill(col)
	c.poly(8, 68, 92, 68, 96, 75, 4, 75)
	c.fill(rgb(0xb8bcc2))
	c.rect(42, 68, 16, 2, 1)
	c.fill(rgb(0x9aa0a8))
}

func ebook(c *canvas, rng *rand.Rand, col color.NRGBA) {
	c.rect(24, 10, 52, 78, 6)
	c.fill(rgb(0x2a2b2e))
	c.rect(28, 16, 44, 64, 1)
	c.fill(col)
	c.rect(33, 24, 34, 4, 1)
	c.rect(33, 31, 24, 3, 1)
	c.fill(rgba(0xffffff, 0.9))
	c.ellipse(50+rng.Float64()*10-5, 58, 11, 11)
	c.fill(shade(col, -0.35))
	c.ellipse(50, 84, 2, 2)
	c.fill(rgb(0x555555))
}

// Food.

func chocolateBar(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(26, 14, 48, 50, 3)
	c.fill(rgb(0x4a2a1c))
	for y := range 3 {
		for x := range 3 {
			c.rect(29+float64(x)*15, 17+float64(y)*15, 12, 12, 1.5)
		}
	}
	c.fill(rgb(0x5c3624))
	c.poly(24, 46, 76, 42, 76, 88, 24, 88)
	c.fill(rgb(0xd9d9d9))
	c.rect(24, 50, 52, 38, 2)
	c.fill(col)
	c.rect(24, 62, 52, 12, 0)
	c.fill(shade(col, -0.5))
	c.rect(34, 66, 32, 4, 1)
	c.fill(col)
}

func macaronBox(c *canvas, rng *rand.Rand, _ color.NRGBA) {
	c.rect(12, 40, 76, 44, 5)
	c.fill(rgb(0xf6f1e8))
	c.rect(12, 76, 76, 8, 3)
	c.fill(rgb(0xe4dccd))
	for i := range 6 {
		x, y := 24+float64(i%3)*26, 52+float64(i/3)*14
		v := rgb(paintPastel[(rng.IntN(len(paintPastel))+i)%len(paintPastel)])
		c.ellipse(x, y, 10, 5)
		c.fill(v)
		c.rect(x-9, y-0.5, 18, 2.4, 1)
		c.fill(rgb(0xfaf4ea))
	}
}

func namaBox(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(16, 36, 68, 48, 4)
	c.fill(col)
	c.rect(20, 40, 60, 40, 2)
	c.fill(rgb(0x2a1a12))
	for y := range 3 {
		for x := range 4 {
			c.rect(22+float64(x)*14.5, 42+float64(y)*12.5, 12, 11, 1.5)
		}
	}
	c.fill(rgb(0x6b4430))
}

func brownies(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, p := range [][2]float64{{18, 58}, {50, 58}, {34, 40}} {
		c.rect(p[0], p[1], 30, 26, 3)
		c.fill(shade(col, 0.1*float64(i%2)))
		c.rect(p[0], p[1], 30, 6, 3)
		c.fill(shade(col, -0.15))
		c.ellipse(p[0]+10, p[1]+14, 2.5, 1.5)
		c.fill(rgb(0xc49a6c))
	}
}

func cookies(c *canvas, rng *rand.Rand, col color.NRGBA) {
	for i, p := range [][3]float64{{32, 66, 18}, {66, 66, 18}, {49, 44, 17}} {
		c.ellipse(p[0], p[1], p[2], p[2]*0.9)
		c.fill(shade(col, 0.08*float64(i)))
		for range 6 {
			c.ellipse(p[0]+rng.Float64()*20-10, p[1]+rng.Float64()*16-8, 2.2, 1.8)
		}
		c.fill(rgb(0x3a2218))
	}
}

func cake(c *canvas, rng *rand.Rand, col color.NRGBA) {
	c.ellipse(50, 80, 34, 8)
	c.fill(rgb(0xf4f4f0))
	c.rect(22, 44, 56, 34, 0)
	c.ellipse(50, 78, 28, 7)
	c.fill(col)
	c.ellipse(50, 44, 28, 7)
	c.fill(shade(col, -0.3))
	c.rect(22, 70, 56, 6, 0)
	c.ellipse(50, 78, 28, 7)
	c.fill(rgb(0xb8864e))
	for range 5 {
		c.ellipse(36+rng.Float64()*28, 42+rng.Float64()*5, 2.6, 2.6)
	}
	c.fill(rgb(0xc0392b))
}

func coffeeBag(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.moveTo(30, 22)
	c.lineTo(70, 22)
	c.quadTo(74, 56, 72, 88)
	c.lineTo(28, 88)
	c.quadTo(26, 56, 30, 22)
	c.closePath()
	c.fill(col)
	c.rect(29, 18, 42, 8, 1)
	c.fill(shade(col, 0.2))
	c.rect(36, 46, 28, 28, 2)
	c.fill(rgba(0xffffff, 0.88))
	c.oval(50, 58, 6, 8.5, 20)
	c.fill(rgb(0x5a3a24))
	c.line(47, 51, 53, 65, 1)
	c.fill(rgb(0x2a1a12))
	c.ellipse(50, 34, 3, 3)
	c.fill(shade(col, 0.35))
}

func teaBox(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.poly(20, 36, 64, 36, 78, 28, 34, 28)
	c.fill(shade(col, -0.25))
	c.poly(64, 36, 78, 28, 78, 78, 64, 86)
	c.fill(shade(col, 0.25))
	c.rect(20, 36, 44, 50, 0)
	c.fill(col)
	c.rect(24, 48, 36, 26, 1)
	c.fill(rgba(0xffffff, 0.88))
	c.oval(42, 61, 8, 4, -30)
	c.fill(rgb(0x3e6b48))
	c.line(36, 66, 48, 56, 0.6)
	c.fill(rgb(0x2a4a32))
}

func drinkBottle(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.rect(44, 12, 12, 8, 2)
	c.fill(rgb(0x26282c))
	c.moveTo(45, 20)
	c.lineTo(55, 20)
	c.quadTo(56, 32, 66, 38)
	c.lineTo(66, 86)
	c.lineTo(34, 86)
	c.lineTo(34, 38)
	c.quadTo(44, 32, 45, 20)
	c.closePath()
	c.fill(col)
	c.rect(34, 50, 32, 24, 0)
	c.fill(rgb(0xf2ece0))
	c.rect(39, 56, 22, 3, 1)
	c.rect(42, 62, 16, 2, 1)
	c.fill(rgb(0x3a2418))
	c.rect(37, 40, 3, 44, 1.5)
	c.fill(rgba(0xffffff, 0.25))
}

// round draws a fruit: a disc with a highlight.
func round(c *canvas, x, y, r float64, col color.NRGBA) {
	c.ellipse(x, y, r, r*0.94)
	c.fill(col)
	c.ellipse(x-r*0.35, y-r*0.35, r*0.22, r*0.16)
	c.fill(rgba(0xffffff, 0.35))
}

func leafAt(c *canvas, x, y, a float64) {
	c.oval(x, y, 6, 2.6, a)
	c.fill(rgb(0x4f8a3a))
}

func apples(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, p := range [][3]float64{{32, 68, 18}, {68, 68, 18}, {50, 46, 19}} {
		round(c, p[0], p[1], p[2], shade(col, 0.08*float64(2-i)))
		c.line(p[0], p[1]-p[2]*0.85, p[0]+2, p[1]-p[2]-5, 1.5)
		c.fill(rgb(0x5a3a24))
	}
	leafAt(c, 57, 25, -30)
}

func tangerines(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, p := range [][3]float64{{30, 70, 15}, {56, 72, 14}, {76, 66, 12}, {44, 50, 15}, {66, 48, 13}} {
		round(c, p[0], p[1], p[2], shade(col, 0.05*float64(i%3)))
		c.ellipse(p[0], p[1]-p[2]*0.8, 2, 1.4)
		c.fill(rgb(0x4f7a2a))
	}
	leafAt(c, 50, 35, 20)
}

func hallabong(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, p := range [][3]float64{{34, 66, 20}, {68, 64, 19}} {
		round(c, p[0], p[1], p[2], shade(col, 0.06*float64(i)))
		c.ellipse(p[0], p[1]-p[2]*0.95, p[2]*0.34, p[2]*0.3)
		c.fill(shade(col, 0.04))
		c.ellipse(p[0], p[1]-p[2]*1.2, 2, 1.4)
		c.fill(rgb(0x4f7a2a))
	}
	leafAt(c, 74, 38, 30)
}

func pears(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, x := range []float64{34, 66} {
		f := shade(col, 0.08*float64(i))
		c.ellipse(x, 66, 19, 20)
		c.fill(f)
		c.ellipse(x, 46, 11, 12)
		c.fill(f)
		c.ellipse(x-6, 60, 4, 6)
		c.fill(rgba(0xffffff, 0.25))
		c.line(x, 35, x+2, 28, 1.5)
		c.fill(rgb(0x5a3a24))
	}
}

func melons(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for _, p := range [][2]float64{{34, 64}, {66, 64}} {
		c.ellipse(p[0], p[1], 17, 22)
		c.fill(col)
		for _, dx := range []float64{-9, -3, 3, 9} {
			c.ellipse(p[0]+dx, p[1], 1, 20)
		}
		c.fill(rgba(0xffffff, 0.7))
	}
}

func grapes(c *canvas, _ *rand.Rand, col color.NRGBA) {
	c.line(50, 16, 52, 28, 2)
	c.fill(rgb(0x6b5a2a))
	leafAt(c, 58, 22, -20)
	rows := []int{5, 4, 4, 3, 2, 1}
	for r, n := range rows {
		for i := range n {
			x := 50 + (float64(i)-float64(n-1)/2)*10
			round(c, x, 32+float64(r)*10, 5.6, shade(col, 0.04*float64((i+r)%3)))
		}
	}
}

func berries(c *canvas, rng *rand.Rand, col color.NRGBA) {
	c.poly(20, 52, 80, 52, 74, 86, 26, 86)
	c.fill(rgb(0xe8dcc4))
	for range 16 {
		x, y := 28+rng.Float64()*44, 40+rng.Float64()*14
		c.ellipse(x, y, 5.5, 5.2)
		c.fill(shade(col, rng.Float64()*0.2))
		c.ellipse(x, y-3.5, 1.4, 1)
		c.fill(rgb(0x1e2a4a))
	}
	c.poly(20, 56, 80, 56, 74, 86, 26, 86)
	c.fill(rgb(0xd9c8a8))
}

func tomatoes(c *canvas, rng *rand.Rand, col color.NRGBA) {
	for i := range 9 {
		x, y := 26+float64(i%4)*16+rng.Float64()*4, 76-float64(i/4)*14+rng.Float64()*4
		round(c, x, y, 8, shade(col, 0.05*float64(i%3)))
		c.poly(x-3, y-7, x, y-9, x+3, y-7, x, y-6)
		c.fill(rgb(0x3f7a2a))
	}
}

func sweetPotatoes(c *canvas, _ *rand.Rand, col color.NRGBA) {
	for i, p := range [][4]float64{{40, 72, 26, -8}, {60, 60, 24, 12}, {44, 50, 20, -20}} {
		c.oval(p[0], p[1], p[2], 10, p[3])
		c.fill(shade(col, 0.08*float64(i)))
		c.oval(p[0]-4, p[1]-3, p[2]*0.5, 2, p[3])
		c.fill(rgba(0xffffff, 0.15))
	}
}
