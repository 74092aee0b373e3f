// Package richtexttest holds a corpus of XSS vectors and of normal content
// (Korean and English) for tests of every page and package that stores or
// shows staff-written HTML, and Check, which says whether HTML could run a
// script. The corpus is testdata/xss.txt (its sources are named there).
package richtexttest

import (
	_ "embed"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

//go:embed testdata/xss.txt
var corpus string

// Vector is an XSS vector of the corpus: if it ran, it would call xss(),
// call alert() or set window.__xss. Line is its line in xss.txt.
type Vector struct {
	Line int
	HTML string
}

// Sample is normal content of the corpus: Keep is a part of HTML that
// must survive sanitising unchanged.
type Sample struct {
	Line       int
	HTML, Keep string
}

// Vectors returns the corpus's XSS vectors, in file order.
func Vectors() []Vector {
	var out []Vector
	each(func(line int, kind string, fields []string) {
		if kind == "xss" {
			out = append(out, Vector{Line: line, HTML: unescape(fields[0])})
		}
	})
	return out
}

// Samples returns the corpus's normal content, in file order.
func Samples() []Sample {
	var out []Sample
	each(func(line int, kind string, fields []string) {
		if kind == "safe" {
			keep := fields[0]
			if len(fields) > 1 {
				keep = fields[1]
			}
			out = append(out, Sample{Line: line, HTML: fields[0], Keep: keep})
		}
	})
	return out
}

func each(fn func(line int, kind string, fields []string)) {
	for i, l := range strings.Split(corpus, "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		kind, rest, ok := strings.Cut(l, "\t")
		if !ok {
			panic(fmt.Sprintf("richtexttest: xss.txt line %d has no tab", i+1))
		}
		switch kind {
		case "xss": // a vector may hold tabs of its own
			fn(i+1, kind, []string{rest})
		case "safe":
			fn(i+1, kind, strings.SplitN(rest, "\t", 2))
		default:
			panic(fmt.Sprintf("richtexttest: xss.txt line %d: unknown kind %q", i+1, kind))
		}
	}
}

var unescaper = strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\r`, "\r", `\x00`, "\x00")

func unescape(s string) string { return unescaper.Replace(s) }

// banned are elements that run or load active content, or change how the
// page around them behaves, whatever their attributes.
var banned = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Frame: true, atom.Frameset: true,
	atom.Object: true, atom.Embed: true, atom.Applet: true, atom.Svg: true, atom.Math: true,
	atom.Form: true, atom.Input: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Base: true, atom.Meta: true, atom.Link: true, atom.Template: true, atom.Noscript: true,
	atom.Xmp: true, atom.Noembed: true, atom.Isindex: true, atom.Keygen: true, atom.Title: true,
	atom.Video: true, atom.Audio: true,
	atom.Source: true, atom.Marquee: true,
}

// urlAttrs are attributes whose value a browser loads or follows.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true, "poster": true,
	"data": true, "background": true, "dynsrc": true, "lowsrc": true, "srcset": true, "xlink:href": true,
	"longdesc": true, "usemap": true, "codebase": true, "manifest": true, "ping": true,
}

// Check parses html inside a <div> in the body of a whole page, as a
// storefront page holds it, and returns an error naming
// the first thing in it that could run a script or load active content: a
// banned element (script, style, iframe, svg, form…), an event handler or
// style attribute, or a URL attribute whose scheme is not http, https or
// mailto (javascript:, vbscript:, data:…, however encoded). nil means the
// HTML is inert.
// A <body> or <html> tag in the content adds its attributes to the page's
// own (an onload there runs), so the page's elements are checked too.
//
// Content that leaves elements open (an unclosed <table> or <ul>) would
// swallow the page that follows it, scripts included: Check reports it too.
func Check(s string) error {
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><head></head><body><div>" + s +
		`</div><p id="richtexttest-after"></p></body></html>`))
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if !after(doc) {
		return fmt.Errorf("content leaves elements open: what follows it on the page ends up inside it")
	}
	return check(doc)
}

// after reports whether the sentinel that follows the content is a child of
// the page's body, where it was written.
func after(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Body {
			for p := c.FirstChild; p != nil; p = p.NextSibling {
				for _, a := range p.Attr {
					if a.Key == "id" && a.Val == "richtexttest-after" {
						return true
					}
				}
			}
			return false
		}
		if after(c) {
			return true
		}
	}
	return false
}

// page are the elements of the page around the content: allowed, but
// without attributes.
var page = map[atom.Atom]bool{atom.Html: true, atom.Head: true, atom.Body: true}

func check(n *html.Node) error {
	if n.Type == html.ElementNode {
		if isSentinel(n) {
			return nil
		}
		if page[n.DataAtom] && n.Namespace == "" {
			if len(n.Attr) > 0 {
				return fmt.Errorf("attribute %s on the page's <%s>", n.Attr[0].Key, n.Data)
			}
		} else if banned[n.DataAtom] || n.Namespace != "" {
			return fmt.Errorf("element <%s>", n.Data)
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			if a.Namespace != "" {
				k = a.Namespace + ":" + k
			}
			switch {
			case strings.HasPrefix(k, "on"):
				return fmt.Errorf("event handler %s on <%s>", k, n.Data)
			case k == "style" || k == "srcdoc":
				return fmt.Errorf("attribute %s on <%s>", k, n.Data)
			case urlAttrs[k] && !safeURL(a.Val):
				return fmt.Errorf("%s=%q on <%s>", k, a.Val, n.Data)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := check(c); err != nil {
			return err
		}
	}
	return nil
}

// safeURL reports whether a browser would follow u (already unescaped by
// the parser) as a relative URL or one of http, https or mailto.
func safeURL(u string) bool {
	// Browsers drop ASCII whitespace and control characters at the ends
	// and tabs and newlines anywhere before reading the scheme.
	var b strings.Builder
	for _, r := range strings.TrimSpace(u) {
		if r <= 0x20 || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	v := strings.ToLower(b.String())
	scheme, _, ok := strings.Cut(v, ":")
	if !ok || strings.ContainsAny(scheme, "/?#") {
		return true // relative
	}
	return scheme == "http" || scheme == "https" || scheme == "mailto"
}

func isSentinel(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "id" && a.Val == "richtexttest-after" {
			return true
		}
	}
	return false
}
