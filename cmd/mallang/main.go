// Command mallang runs a Mallang shop: `mallang` (or `mallang serve`) starts
// it; `mallang help` lists the other subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/mallang/mallang/internal/app"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// defaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT
// is not set. Without one, a burst of sign-ins (12 MiB of argon2id memory
// each) lets the heap double before the collector runs; with it the
// collector runs sooner as the limit nears. A shop with a large catalog on
// a large machine raises it with GOMEMLIMIT (docs/configuration.md).
const defaultMemoryLimit = 80 << 20

func main() {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], os.LookupEnv, os.Stdin, os.Stdout, os.Stderr, version)
	stop()
	os.Exit(code)
}
