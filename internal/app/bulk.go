package app

import "github.com/mallang/mallang/internal/catalog/bulk"

// wireBulk builds the catalog's export and import on the catalog and the
// audit log.
func (a *App) wireBulk() {
	a.bulk = bulk.NewService(a.DB, a.Catalog, a.acc.audit, a.now, a.log)
}

// Bulk is the catalog's export and import, for tools and tests.
func (a *App) Bulk() *bulk.Service { return a.bulk }
