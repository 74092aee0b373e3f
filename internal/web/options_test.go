package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// tee is a T-shirt with two option dimensions: 사이즈 S, M, L, XL and 색상
// 블랙, 화이트 at ₩19,000, L and XL ₩2,000 more. L in 화이트 is sold out,
// and so is XL in both colours.
type tee struct {
	id       int64
	category int64
	variants map[[2]string]int64 // {size, colour} → variant id
}

func newTee(t *testing.T, s *accountShop) tee {
	t.Helper()
	f := catalogtest.Categories(t, s.cat)
	p := catalog.NewProduct{CategoryID: f.Leaves[0].ID, Name: "무지 반팔 티셔츠", OptionNames: []string{"사이즈", "색상"}}
	for _, size := range []string{"S", "M", "L", "XL"} {
		for _, colour := range []string{"블랙", "화이트"} {
			price, stock := int64(19000), int64(10)
			if size == "L" || size == "XL" {
				price += 2000
			}
			if size == "XL" || (size == "L" && colour == "화이트") {
				stock = 0
			}
			p.Variants = append(p.Variants, catalog.NewVariant{SKU: "TEE-" + size + "-" + colour, Options: [3]string{size, colour}, Price: price, Stock: stock, Active: true})
		}
	}
	pid, err := s.cat.CreateProduct(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.cat.Product(context.Background(), pid)
	if err != nil {
		t.Fatal(err)
	}
	tt := tee{id: pid, category: f.Leaves[0].ID, variants: map[[2]string]int64{}}
	for _, v := range d.Variants {
		tt.variants[[2]string{v.Options[0], v.Options[1]}] = v.ID
	}
	return tt
}

// The product page offers one select per option dimension, with price
// differences and sold-out values marked, and works without JavaScript: the
// "show" button reloads the page with the chosen values, which narrows the
// next select to what exists with them.
func TestProductOptionSelects(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	tee := newTee(t, s)
	page := "/products/" + id(tee.id)
	tests := []struct {
		name      string
		query     string
		want, not []string
	}{
		{"first view", "", []string{
			`data-testid="option-form"`, `<label for="option-1">사이즈</label>`, `<label for="option-2">색상</label>`,
			`name="option1"`, `name="option2"`, `<option value="">사이즈 선택</option>`,
			`<option value="S">S</option>`, `<option value="L">L (+2,000원)</option>`, `<option value="XL" disabled>XL (품절)</option>`,
			// 화이트 is still bought in S and M, so it is not sold out yet.
			`<option value="화이트">화이트</option>`,
			`formaction="/cart/add" data-testid="add-to-cart"`, `name="product" value="` + id(tee.id) + `"`,
			`id="product-options" type="application/json"`, "/static/options.",
			"19,000원",
		}, []string{`type="radio"`, `data-testid="variant-option"`, `data-testid="notice"`}},
		{"first dimension chosen", "?option1=L", []string{
			`<option value="L" selected>L (+2,000원)</option>`,
			`<option value="블랙">블랙 (+2,000원)</option>`, `<option value="화이트" disabled>화이트 (품절)</option>`,
		}, []string{`data-testid="notice"`, `data-testid="selected-variant" data-selected>`}},
		{"a combination chosen", "?option1=L&option2=" + url.QueryEscape("블랙"), []string{
			`<option value="블랙" selected>블랙 (+2,000원)</option>`, `data-testid="selected-variant" data-selected>선택한 옵션: 사이즈: L · 색상: 블랙`,
			`<strong class="now">21,000원</strong>`, `<div data-availability><dt>구매 가능 여부</dt><dd data-testid="availability" class="stock">재고 있음</dd>`,
		}, []string{`data-testid="notice"`}},
		{"a sold-out combination", "?option1=L&option2=" + url.QueryEscape("화이트"), []string{
			`data-testid="notice" data-field="option"`, "선택하신 옵션(사이즈: L · 색상: 화이트)은 품절입니다",
		}, []string{`data-testid="selected-variant" data-selected>`}},
		{"a combination that does not exist", "?option1=L&option2=" + url.QueryEscape("보라"), []string{
			`data-testid="notice" data-field="option"`, "선택하신 옵션 조합은 없는 상품입니다",
		}, []string{`data-testid="selected-variant" data-selected>`}},
		{"a variant's address", "?variant=" + id(tee.variants[[2]string{"M", "화이트"}]), []string{
			`<option value="M" selected>M</option>`, `<option value="화이트" selected>화이트</option>`, "사이즈: M · 색상: 화이트",
		}, []string{`data-testid="notice"`}},
		{"in English", "?option1=XL&lang=en", []string{
			`<option value="">Choose 사이즈</option>`, `<option value="XL" selected disabled>XL (Sold out)</option>`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := s.browser(t).get(page + tt.query)
			wantStatus(t, r, http.StatusOK, "")
			mustContain(t, r.body, tt.want...)
			mustNotContain(t, r.body, tt.not...)
		})
	}

	t.Run("a product of one variant shows no select", func(t *testing.T) {
		t.Parallel()
		one, err := s.cat.CreateProduct(context.Background(), catalog.NewProduct{CategoryID: tee.category, Name: "머그컵",
			Variants: []catalog.NewVariant{{SKU: "MUG", Price: 9000, Stock: 5, Active: true}}})
		if err != nil {
			t.Fatal(err)
		}
		r := s.browser(t).get("/products/" + id(one))
		wantStatus(t, r, http.StatusOK, "")
		mustContain(t, r.body, `data-testid="add-to-cart-form"`, `name="variant" value="`)
		mustNotContain(t, r.body, "<select", `data-testid="option-form"`, "/static/options.")
	})
}

// Adding to the cart without JavaScript posts the chosen option values;
// the server finds the variant, or shows the product page again saying
// what is wrong and adds nothing.
func TestAddOptionsToCart(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	tee := newTee(t, s)
	tests := []struct {
		name     string
		form     url.Values
		status   int
		location string
		want     []string
	}{
		{"a combination in stock", url.Values{"option1": {"L"}, "option2": {"블랙"}, "quantity": {"2"}}, http.StatusSeeOther, "/cart?added=1", nil},
		{"a sold-out combination", url.Values{"option1": {"L"}, "option2": {"화이트"}}, http.StatusConflict, "",
			[]string{`data-testid="notice" data-field="option"`, "선택하신 옵션(사이즈: L · 색상: 화이트)은 품절입니다", `<option value="L" selected>`,
				`href="/products/` + id(tee.id) + `?lang=en&amp;option1=L&amp;option2=%ED%99%94%EC%9D%B4%ED%8A%B8"`}},
		{"a combination that does not exist", url.Values{"option1": {"XXL"}, "option2": {"블랙"}}, http.StatusUnprocessableEntity, "",
			[]string{"선택하신 옵션 조합은 없는 상품입니다"}},
		{"a dimension left out", url.Values{"option1": {"M"}}, http.StatusUnprocessableEntity, "",
			[]string{`data-testid="notice" data-field="option"`, "색상을 선택해 주세요", `<option value="M" selected>`}},
		{"nothing chosen", url.Values{}, http.StatusUnprocessableEntity, "", []string{"사이즈를 선택해 주세요"}},
		{"a variant by id, as before", url.Values{"variant": {id(tee.variants[[2]string{"S", "블랙"}])}}, http.StatusSeeOther, "/cart?added=1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := s.browser(t)
			form := url.Values{"product": {id(tee.id)}}
			for k, v := range tt.form {
				form[k] = v
			}
			r := b.post("/cart/add", form)
			wantStatus(t, r, tt.status, tt.location)
			mustContain(t, r.body, tt.want...)
			want := 0
			if tt.status == http.StatusSeeOther {
				want = 1
			}
			if n := count(b.get("/cart").body, `data-testid="cart-line"`); n != want {
				t.Fatalf("the cart holds %d lines, want %d", n, want)
			}
		})
	}

	t.Run("the chosen combination is the one in the cart", func(t *testing.T) {
		t.Parallel()
		b := s.member(t, signupForm)
		wantStatus(t, b.post("/cart/add", url.Values{"product": {id(tee.id)}, "option1": {"L"}, "option2": {"블랙"}, "quantity": {"2"}}), http.StatusSeeOther, "/cart?added=1")
		r := b.get("/cart")
		mustContain(t, r.body, "42,000원")
	})

	t.Run("an unknown product", func(t *testing.T) {
		t.Parallel()
		r := s.browser(t).post("/cart/add", url.Values{"product": {"999999"}, "option1": {"L"}})
		wantStatus(t, r, http.StatusNotFound, "")
	})
}
