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

// NormalizeIP returns the canonical text of the address in s, which may
// carry a port ("203.0.113.7:5123", "[2001:db8::1]:443") or a zone. An
// IPv4-mapped IPv6 address becomes plain IPv4, so one client is one key for
// rate limits and the honeypot however it connected. ok is false when s is
// no address.
func NormalizeIP(s string) (ip string, ok bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return "", false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone("").String(), true
}

// ClientIP is the client's address of r (after ClientAddr has put the
// trusted proxies' client there), normalised; RemoteAddr as it is when it
// is no address.
func ClientIP(r *http.Request) string {
	if ip, ok := NormalizeIP(r.RemoteAddr); ok {
		return ip
	}
	return r.RemoteAddr
}
