package security

import (
	"net/http"
	"strconv"
)

// Limits on the size of a request's head. Browsers and API clients stay far
// below them (a product search URI is under 1 KB, a signed-in browser's
// cookies a few KB); proxies such as nginx refuse much beyond them anyway.
const (
	// MaxRequestURIBytes bounds the request target (path and query).
	MaxRequestURIBytes = 8 << 10
	// MaxHeaderBytes bounds the request headers, counted as
	// "Name: value\r\n" for each value.
	MaxHeaderBytes = 32 << 10
	// ServerMaxHeaderBytes is http.Server.MaxHeaderBytes: the request line
	// and headers the server reads at all. A head past it is answered by
	// net/http itself (431, an English body); one between the limits above
	// and this one reaches RequestSize, which answers in both languages.
	ServerMaxHeaderBytes = 64 << 10
)

// RequestSize answers 414 to a request whose URI is longer than
// MaxRequestURIBytes and 431 to one whose headers are larger than
// MaxHeaderBytes, with a plain-text body in Korean and English, before any
// handler sees it.
func RequestSize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uri := r.RequestURI
		if uri == "" { // a request made in process rather than read by the server
			uri = r.URL.RequestURI()
		}
		switch {
		case len(uri) > MaxRequestURIBytes:
			refuse(w, http.StatusRequestURITooLong,
				"요청 주소가 너무 깁니다. 주소는 "+kb(MaxRequestURIBytes)+"KB를 넘을 수 없습니다. 검색어나 조건을 줄여 다시 시도해 주세요.\n"+
					"The request URI is longer than the limit of "+kb(MaxRequestURIBytes)+" KB. Shorten the search or the filters and try again.\n")
		case headerSize(r.Header) > MaxHeaderBytes:
			refuse(w, http.StatusRequestHeaderFieldsTooLarge,
				"요청 헤더가 너무 큽니다. 헤더는 모두 합해 "+kb(MaxHeaderBytes)+"KB를 넘을 수 없습니다. 이 사이트의 쿠키를 지우고 다시 시도해 주세요.\n"+
					"The request headers are larger than the limit of "+kb(MaxHeaderBytes)+" KB in all. Clear this site's cookies and try again.\n")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(": ") + len(v) + len("\r\n")
		}
	}
	return n
}

func kb(n int) string { return strconv.Itoa(n >> 10) }

func refuse(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
