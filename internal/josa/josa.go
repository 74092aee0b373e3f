// Package josa chooses Korean particles (조사) by the word they follow:
// 책을 but 차를, 주문이 but 쿠폰이… Messages are written with both forms,
// as "%s을(를)" or "%s(으)로", and Fix, run on the formatted text, keeps
// the one that fits the word that ended up in front: "₩37,600이",
// "배송 중으로", "결제 완료로". Words that are not Korean are read as a
// Korean would say them: digits as Sino-Korean numbers (0 영, 1 일, …),
// acronyms letter by letter (SKU 에스케이유), other Latin words by their
// last letter.
package josa

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ending is how a word's last syllable ends, as far as particles care.
type ending int

const (
	unknown ending = iota
	vowel          // no final consonant: 를, 가, 는, 와, 로
	final          // a final consonant other than ㄹ: 을, 이, 은, 과, 으로
	rieul          // the final consonant ㄹ: 을, 이, 은, 과, but 로
)

// pair is one particle written with both forms in a message.
type pair struct {
	marker      string // as written in messages
	afterFinal  string // after a final consonant
	afterVowel  string // after a vowel
	rieulVowels bool   // ㄹ counts as a vowel (으로/로)
}

// pairs are the markers Fix understands.
var pairs = []pair{
	{"을(를)", "을", "를", false},
	{"를(을)", "을", "를", false},
	{"이(가)", "이", "가", false},
	{"가(이)", "이", "가", false},
	{"은(는)", "은", "는", false},
	{"는(은)", "은", "는", false},
	{"과(와)", "과", "와", false},
	{"와(과)", "과", "와", false},
	{"아(야)", "아", "야", false},
	{"(으)로", "으로", "로", true},
	{"(이)라", "이라", "라", false},
	{"(이)나", "이나", "나", false},
	{"(이)에요", "이에요", "예요", false},
}

// Fix replaces every particle marker in s ("을(를)", "이(가)", "은(는)",
// "과(와)", "아(야)", "(으)로", "(이)라", "(이)나", "(이)에요") with the form
// that fits the word right before it. A marker whose word cannot be read
// (a symbol, nothing before it) stays as written, both forms shown.
func Fix(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	rest := s
	written := 0 // bytes of s copied into b
	for {
		i, p := nextMarker(rest)
		if i < 0 {
			break
		}
		at := len(s) - len(rest) + i
		e := endingOf(s[:at])
		b.WriteString(s[written:at])
		switch {
		case e == unknown:
			b.WriteString(p.marker)
		case e == vowel || e == rieul && p.rieulVowels:
			b.WriteString(p.afterVowel)
		default:
			b.WriteString(p.afterFinal)
		}
		written = at + len(p.marker)
		rest = s[written:]
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// nextMarker finds the first marker in s.
func nextMarker(s string) (int, pair) {
	best, bp := -1, pair{}
	for _, p := range pairs {
		if i := strings.Index(s, p.marker); i >= 0 && (best < 0 || i < best) {
			best, bp = i, p
		}
	}
	return best, bp
}

// Pick returns the particle of the marker (as "을(를)") that fits word:
// Pick("사과", "을(를)") is "를". An unknown marker is returned as given.
func Pick(word, marker string) string {
	fixed := Fix(word + marker)
	if strings.HasPrefix(fixed, word) {
		return fixed[len(word):]
	}
	return marker
}

// closers are skipped to reach a word's last letter: ‘쿠폰’이, (주)말랑은.
const closers = `)]}’”"'»」』>` + "`"

// endingOf reads how the text before a particle ends.
func endingOf(before string) ending {
	w := strings.TrimRight(before, closers)
	if w == "" {
		return unknown
	}
	last, _ := utf8.DecodeLastRuneInString(w)
	switch {
	case last >= 0xAC00 && last <= 0xD7A3:
		return hangul(last)
	case last >= '0' && last <= '9':
		return digit(last)
	case last < utf8.RuneSelf && unicode.IsLetter(last):
		return latin(w)
	}
	return unknown
}

// hangul reads a syllable's final consonant.
func hangul(r rune) ending {
	switch (r - 0xAC00) % 28 {
	case 0:
		return vowel
	case 8: // ㄹ
		return rieul
	}
	return final
}

// digit reads the last digit as it is said: 영 일 이 삼 사 오 육 칠 팔 구.
// A number ending in 0 ends in 십, 백, 천, 만 or 영: a final consonant all.
func digit(r rune) ending {
	switch r {
	case '2', '4', '5', '9':
		return vowel
	case '1', '7', '8':
		return rieul
	}
	return final
}

// latin reads a Latin word: an acronym (upper case, and short or without
// a vowel) by the Korean name of its last letter (엘, 엠, 엔 and 알 end in a
// consonant); another word by its last letter, which is a guess that holds
// for the words a shop shows (PayPal을, Toss를, item을, Kakao를, SPRING을).
func latin(w string) ending {
	start := len(w)
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(w[:start])
		if r >= utf8.RuneSelf || !unicode.IsLetter(r) {
			break
		}
		start -= size
	}
	word := w[start:]
	last := word[len(word)-1]
	if strings.ToUpper(word) == word && (len(word) <= 4 || !strings.ContainsAny(word, "AEIOU")) {
		switch last {
		case 'L', 'R':
			return rieul
		case 'M', 'N':
			return final
		}
		return vowel
	}
	switch last | 0x20 {
	case 'l':
		return rieul
	case 'm', 'n', 'k', 'p', 't', 'b':
		return final
	case 'g':
		if strings.HasSuffix(strings.ToLower(word), "ng") {
			return final
		}
	}
	return vowel
}
