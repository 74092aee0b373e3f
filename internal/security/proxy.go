package security

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the reverse proxies (load balancer, nginx) whose
// X-Forwarded-For header is believed. Behind a proxy every request comes
// from the proxy's address, so rate limits and the honeypot would count
// every customer as one; with the proxy trusted they count the client.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies reads "10.0.0.0/8, 192.168.1.10" (CIDR prefixes or
// single addresses, comma separated).
func ParseTrustedProxies(s string) (TrustedProxies, error) {
	var ps TrustedProxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
			}
			a = a.Unmap()
			ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR prefix", f)
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

func (tp TrustedProxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range tp {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr rewrites r.RemoteAddr to the client's address when the request
// came through trusted proxies: the rightmost address of X-Forwarded-For
// that is not itself a trusted proxy (the leftmost entries are whatever the
// client chose to send, so they are never believed). Requests from
// anywhere else keep their RemoteAddr, whatever headers they carry.
func ClientAddr(next http.Handler, tp TrustedProxies) http.Handler {
	if len(tp) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil && tp.trusts(ap.Addr()) {
			if client, ok := forwardedClient(r.Header.Values("X-Forwarded-For"), tp); ok {
				r2 := r.Clone(r.Context())
				r2.RemoteAddr = net.JoinHostPort(client.String(), "0")
				r = r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

func forwardedClient(values []string, tp TrustedProxies) (netip.Addr, bool) {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		a = a.Unmap()
		if !tp.trusts(a) {
			return a, true
		}
	}
	return netip.Addr{}, false
}
