package security

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	t.Parallel()
	tp, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.10 ,::ffff:172.16.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"direct client keeps its address", "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9:5000"},
		{"through the proxy", "10.1.2.3:40000", []string{"198.51.100.7"}, "198.51.100.7:0"},
		{"a forged left entry is ignored", "10.1.2.3:40000", []string{"1.2.3.4, 198.51.100.7"}, "198.51.100.7:0"},
		{"two trusted hops", "192.168.1.10:1", []string{"198.51.100.7, 10.9.9.9"}, "198.51.100.7:0"},
		{"several headers", "10.1.2.3:40000", []string{"1.2.3.4", "198.51.100.8"}, "198.51.100.8:0"},
		{"IPv4-mapped proxy", "[::ffff:172.16.0.1]:80", []string{"2001:db8::5"}, "[2001:db8::5]:0"},
		{"garbage header keeps the proxy", "10.1.2.3:40000", []string{"not-an-ip"}, "10.1.2.3:40000"},
		{"only proxies", "10.1.2.3:40000", []string{"10.0.0.1"}, "10.1.2.3:40000"},
		{"no header", "10.1.2.3:40000", nil, "10.1.2.3:40000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got string
			h := ClientAddr(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }), tp)
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("RemoteAddr = %q, want %q", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0.1/"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted it", bad)
		}
	}
}

func TestNormalizeIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"203.0.113.7", "203.0.113.7", true},
		{" 203.0.113.7:5123 ", "203.0.113.7", true},
		{"[2001:db8::1]:443", "2001:db8::1", true},
		{"::ffff:203.0.113.7", "203.0.113.7", true},
		{"fe80::1%eth0", "fe80::1", true},
		{"localhost:80", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := NormalizeIP(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeIP(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "[::ffff:198.51.100.2]:40000"
	if got := ClientIP(r); got != "198.51.100.2" {
		t.Errorf("ClientIP = %q", got)
	}
	r.RemoteAddr = "pipe"
	if got := ClientIP(r); got != "pipe" {
		t.Errorf("ClientIP of a non-address = %q", got)
	}
}
