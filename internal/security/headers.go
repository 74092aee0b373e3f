// Package security holds the protections every request passes through:
// security headers with a content security policy and cross-origin request
// protection for state-changing methods.
package security

import "net/http"

// ContentSecurityPolicy allows only the shop's own scripts, styles and
// images (plus data: images), no framing and no foreign form targets. A
// handler that needs more (an embedded widget) sets its own header.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// PostcodeCSP is ContentSecurityPolicy widened for the address form, which
// loads the Kakao (Daum) postcode widget from Daum's servers. Only that page
// sends it; keep the two in step.
const PostcodeCSP = "default-src 'self'; img-src 'self' data: https://*.daumcdn.net; style-src 'self'; " +
	"script-src 'self' https://t1.daumcdn.net https://*.daumcdn.net https://*.daum.net; frame-src https://*.daum.net https://*.daumcdn.net; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// Headers sets the security headers on every response; hsts adds
// Strict-Transport-Security, for shops served over HTTPS.
func Headers(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// CrossOrigin rejects state-changing requests (POST, PUT, PATCH, DELETE)
// that a browser marks as coming from another site, using the standard
// library's protection based on Sec-Fetch-Site and Origin. Requests without
// those headers (API clients, curl) pass; they carry no ambient cookies to
// abuse once API tokens arrive. POST /unsubscribe passes from anywhere: a
// web mail page sends the one-click unsubscribe of RFC 8058 from its own
// site, and the link's MAC, not a cookie, authenticates it.
func CrossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.AddInsecureBypassPattern("POST /unsubscribe")
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("다른 사이트에서 보낸 요청은 받을 수 없습니다.\nCross-origin request refused.\n"))
	}))
	return p.Handler(next)
}
