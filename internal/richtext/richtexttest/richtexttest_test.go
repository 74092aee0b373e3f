package richtexttest

import "testing"

// Every vector of the corpus is caught by Check as it is (so the corpus and
// Check test each other), and every sample passes it.
func TestCorpusAgainstCheck(t *testing.T) {
	t.Parallel()
	vs, ss := Vectors(), Samples()
	if len(vs) < 100 || len(ss) < 15 {
		t.Fatalf("corpus has %d vectors and %d samples", len(vs), len(ss))
	}
	for _, s := range ss {
		if err := Check(s.HTML); err != nil {
			t.Errorf("line %d: sample %q fails Check: %v", s.Line, s.HTML, err)
		}
	}
	caught := 0
	for _, v := range vs {
		if Check(v.HTML) != nil {
			caught++
		}
	}
	// A few vectors are harmless as raw HTML in a modern parser (they
	// target old browsers or other contexts); most must be caught.
	if caught < len(vs)*9/10 {
		t.Errorf("Check caught %d of %d raw vectors", caught, len(vs))
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		html string
		ok   bool
	}{
		{`<p>안녕 <a href="/x">링크</a></p>`, true},
		{`<img src="https://a.example/b.png">`, true},
		{`<a href="mailto:a@b.example">a</a>`, true},
		{`<a href="java&#x09;script:xss()">x</a>`, false},
		{`<a href="  JAVASCRIPT:xss()">x</a>`, false},
		{`<img src="data:image/svg+xml,<svg>">`, false},
		{`<p onclick="xss()">x</p>`, false},
		{`<svg></svg>`, false},
		{`<span style="color:red">x</span>`, false},
		{`<table><tr><td>x`, false},
		{`<div><p>x`, false},
		{`<p>x`, true},
	}
	for _, tt := range tests {
		if err := Check(tt.html); (err == nil) != tt.ok {
			t.Errorf("Check(%q) = %v, want ok %v", tt.html, err, tt.ok)
		}
	}
}
