package web

import "net/http"

// registerOrders adds checkout and the order pages.
func (h *Handler) registerOrders(mux *http.ServeMux) {}
