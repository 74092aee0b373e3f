package web

import (
	"context"
	"io"
	"path"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/media"
)

// productGrid lists products as cards. It is the one component written by
// hand rather than in a .templ file: a listing renders it 24 times a page,
// and appending to one pooled buffer costs a few allocations a card where
// the generated code costs about forty (see docs/decisions/0003). The markup
// is the same a template would write, and every value goes through
// appendEscaped.
func productGrid(p *page, products []catalog.Product) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		bp := gridBufs.Get().(*[]byte)
		b := append((*bp)[:0], `<ul class="grid" data-testid="product-grid">`...)
		for i := range products {
			b = appendCard(b, p.L, &products[i])
		}
		b = append(b, `</ul>`...)
		_, err := w.Write(b)
		*bp = b
		gridBufs.Put(bp)
		return err
	})
}

// gridBufs holds buffers for productGrid; a page of 24 cards is about 20 kB.
var gridBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// appendCard writes one product card.
func appendCard(b []byte, lc *locale, pr *catalog.Product) []byte {
	b = append(b, `<li class="card" data-testid="product-card" data-product-id="`...)
	b = strconv.AppendInt(b, pr.ID, 10)
	b = append(b, `"><a href="/products/`...)
	b = strconv.AppendInt(b, pr.ID, 10)
	b = append(b, `"><div class="card-img">`...)
	if img := pr.Image; img != nil {
		b = append(b, `<img src="`...)
		b = appendImageURL(b, img, media.Medium)
		if img.ThumbsReady {
			b = append(b, `" srcset="`...)
			for i, s := range media.Sizes {
				if i > 0 {
					b = append(b, ", "...)
				}
				b = appendImageURL(b, img, s)
				b = append(b, ' ')
				b = strconv.AppendInt(b, int64(s.Pixels()), 10)
				b = append(b, 'w')
			}
			b = append(b, `" sizes="(min-width: 1100px) 260px, (min-width: 640px) 30vw, 46vw`...)
		}
		b = append(b, `" alt="`...)
		b = appendEscaped(b, altText(img, lc.productName(pr.Name, pr.NameEN)))
		if wd, ht := imgDims(img, media.Medium.Pixels()); wd > 0 {
			b = append(b, `" width="`...)
			b = strconv.AppendInt(b, int64(wd), 10)
			b = append(b, `" height="`...)
			b = strconv.AppendInt(b, int64(ht), 10)
		}
		b = append(b, `" loading="lazy" decoding="async">`...)
	}
	switch {
	case !pr.InStock:
		b = append(b, `<span class="badge badge-soldout">`...)
		b = appendEscaped(b, lc.T("card.soldout"))
		b = append(b, `</span>`...)
	case pr.OnSale():
		b = append(b, `<span class="badge badge-sale">`...)
		b = appendEscaped(b, lc.discount(pr.DiscountPercent()))
		b = append(b, `</span>`...)
	}
	b = append(b, `</div><h3 class="card-name" data-testid="product-name">`...)
	b = appendEscaped(b, lc.productName(pr.Name, pr.NameEN))
	b = append(b, `</h3></a><p class="price" data-testid="price">`...)
	if pr.OnSale() {
		b = append(b, `<span class="discount">`...)
		b = appendEscaped(b, lc.discount(pr.DiscountPercent()))
		b = append(b, `</span> <span class="visually-hidden">`...)
		b = appendEscaped(b, lc.T("price.now"))
		b = append(b, `</span> <strong class="now">`...)
		b = appendEscaped(b, lc.Money(pr.Price))
		b = append(b, `</strong> <span class="visually-hidden">`...)
		b = appendEscaped(b, lc.T("price.regular"))
		b = append(b, `</span> <s class="regular">`...)
		b = appendEscaped(b, lc.Money(pr.ListPrice))
		b = append(b, `</s>`...)
	} else {
		b = append(b, `<strong class="now">`...)
		b = appendEscaped(b, lc.Money(pr.Price))
		b = append(b, `</strong>`...)
	}
	b = append(b, `</p>`...)
	if pr.Reviews > 0 {
		b = append(b, `<p class="card-rating" data-testid="card-rating"><span aria-hidden="true">★</span> `...)
		b = appendEscaped(b, lc.F("review.card", stars(pr.Rating), pr.Reviews))
		b = append(b, `</p>`...)
	}
	return append(b, `</li>`...)
}

// appendImageURL appends the escaped path of img at size s, the same as
// imageURL (a test holds them equal) without building the string.
func appendImageURL(b []byte, img *catalog.Image, s media.Size) []byte {
	b = append(b, media.URLPrefix...)
	if !img.ThumbsReady {
		return appendEscaped(b, img.Key)
	}
	b = append(b, "thumbs/"...)
	b = append(b, s...)
	b = append(b, '/')
	b = appendEscaped(b, img.Key[:len(img.Key)-len(path.Ext(img.Key))])
	return append(b, ".jpg"...)
}

// appendEscaped appends s escaped for HTML text and quoted attribute values,
// escaping the same characters as templ.EscapeString.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
