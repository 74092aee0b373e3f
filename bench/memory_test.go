package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// touched keeps the reads of the mapped pages from being left out.
var touched byte

// ownRSS leaves out the pages of a mapped database file and counts the
// same pages mapped from a file of another name.
func TestOwnRSSLeavesOutTheDatabaseFile(t *testing.T) {
	const size = 32 << 20
	touch := func(name string) {
		t.Helper()
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = syscall.Munmap(m) })
		for i := 0; i < size; i += 4096 {
			touched += m[i]
		}
	}
	before, err := ownRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	touch("mallang.db")
	withDB, err := ownRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	touch("blob.bin")
	withOther, err := ownRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if grew := withDB - before; grew > size/4 {
		t.Errorf("mapping a 32 MiB database file grew the count by %d bytes", grew)
	}
	if grew := withOther - withDB; grew < size*3/4 {
		t.Errorf("mapping a 32 MiB other file grew the count by only %d bytes", grew)
	}
}
