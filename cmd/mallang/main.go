// Command mallang runs a Mallang shop: `mallang` (or `mallang serve`) starts
// it; `mallang help` lists the other subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mallang/mallang/internal/app"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], os.LookupEnv, os.Stdin, os.Stdout, os.Stderr, version)
	stop()
	os.Exit(code)
}
