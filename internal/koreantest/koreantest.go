// Package koreantest checks that a page served in Korean reads as Korean:
// the storefront's and the back office's page walks share it.
package koreantest

import (
	"html"
	"regexp"
	"slices"
	"strings"
)

var (
	scriptRE = regexp.MustCompile(`(?s)<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->`)
	attrRE   = regexp.MustCompile(`\b(?:title|placeholder|aria-label|alt)="([^"]*)"`)
	tagRE    = regexp.MustCompile(`<[^>]*>`)
	emailRE  = regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`)
	urlRE    = regexp.MustCompile(`(?:https?://|/)[\w\-./?=&%#~:]+`)
	codeRE   = regexp.MustCompile(`\b[0-9A-Z]+(?:-[0-9A-Z]+)+\b|\b[A-Z0-9]*[0-9][A-Z0-9]*\b`) // order numbers, SKUs
	latinRE  = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// Problems returns what a Korean page must not show: Latin words other than
// the allowed phrases (taken out first, as written) and words, amounts with
// ₩ (Korean pages write 37,600원), phone numbers in E.164, particles left
// with both forms, and any of extra (e.g. raw JSON's `{"`). Scripts, styles
// and tags are left out; titles, placeholders, labels and alt texts count.
func Problems(body string, phrases, words []string, extra ...string) []string {
	var out []string
	text := scriptRE.ReplaceAllString(body, " ")
	var attrs []string
	for _, m := range attrRE.FindAllStringSubmatch(text, -1) {
		attrs = append(attrs, m[1])
	}
	text = html.UnescapeString(tagRE.ReplaceAllString(text, " ") + " " + strings.Join(attrs, " "))
	for _, bad := range append([]string{"₩", "+82", "(으)로", "이(가)", "을(를)", "은(는)", "와(과)", "과(와)"}, extra...) {
		if i := strings.Index(text, bad); i >= 0 {
			out = append(out, bad+" in “"+near(text, i)+"”")
		}
	}
	for _, a := range phrases {
		text = strings.ReplaceAll(text, a, " ")
	}
	text = emailRE.ReplaceAllString(text, " ")
	text = urlRE.ReplaceAllString(text, " ")
	text = codeRE.ReplaceAllString(text, " ")
	for _, loc := range latinRE.FindAllStringIndex(text, -1) {
		if w := text[loc[0]:loc[1]]; !slices.Contains(words, w) {
			out = append(out, w+" in “"+near(text, loc[0])+"”")
		}
	}
	return out
}

// near is the text around byte i of s, cut at whole characters.
func near(s string, i int) string {
	lo, hi := max(i-40, 0), min(i+40, len(s))
	for lo > 0 && s[lo]&0xC0 == 0x80 {
		lo--
	}
	for hi < len(s) && s[hi]&0xC0 == 0x80 {
		hi++
	}
	return strings.Join(strings.Fields(s[lo:hi]), " ")
}
