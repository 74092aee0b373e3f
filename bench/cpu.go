package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The load generator shares the machine with the server (and PostgreSQL),
// and other work on the machine skews the figures. cpuSnapshot lets a run
// say where the CPU time went while it measured, so a figure taken on a
// busy machine is recognisable as such.

// tick is one clock tick of /proc (USER_HZ is 100 on Linux).
const tick = 10 * time.Millisecond

// cpuSnapshot holds CPU time counters at one moment, in ticks.
type cpuSnapshot struct {
	busy     int64         // the whole machine, all CPUs, not idle
	server   int64         // the mallang serve process
	self     int64         // this benchmark process (the load generator)
	postgres map[int]int64 // PostgreSQL processes by pid
	at       time.Time
}

// cpuUsage is the CPU time spent between two snapshots.
type cpuUsage struct {
	wall     time.Duration
	server   time.Duration
	postgres time.Duration
	bench    time.Duration
	other    time.Duration // everything else on the machine
}

// takeCPU reads the counters. pgDB is the benchmark's PostgreSQL database,
// whose backends (their process title names it) are counted; "" counts none.
func takeCPU(serverPID int, pgDB string) cpuSnapshot {
	s := cpuSnapshot{at: time.Now(), postgres: map[int]int64{}}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		f := strings.Fields(line)
		// cpu user nice system idle iowait irq softirq steal …
		for i, v := range f[1:min(len(f), 9)] {
			if i == 3 || i == 4 { // idle, iowait
				continue
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			s.busy += n
		}
	}
	s.server, _ = procCPU(strconv.Itoa(serverPID))
	s.self, _ = procCPU("self")
	if pgDB == "" {
		return s
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		comm, err := os.ReadFile(filepath.Join(d, "comm"))
		if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		title, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(title), " "+pgDB+" ") {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		if n, err := procCPU(filepath.Base(d)); err == nil {
			s.postgres[pid] = n
		}
	}
	return s
}

// since returns the CPU time spent from an earlier snapshot to s.
func (s cpuSnapshot) since(old cpuSnapshot) cpuUsage {
	u := cpuUsage{
		wall:   s.at.Sub(old.at),
		server: time.Duration(s.server-old.server) * tick,
		bench:  time.Duration(s.self-old.self) * tick,
	}
	for pid, n := range s.postgres {
		u.postgres += time.Duration(n-old.postgres[pid]) * tick
	}
	busy := time.Duration(s.busy-old.busy) * tick
	u.other = max(0, busy-u.server-u.bench-u.postgres)
	return u
}

// percent is d as a share of one CPU over the wall time (200% is two CPUs).
func (u cpuUsage) percent(d time.Duration) string {
	if u.wall <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*d.Seconds()/u.wall.Seconds())
}

// procCPU returns the user and system time of /proc/PID, in ticks.
func procCPU(pid string) (int64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, err
	}
	// The fields after the parenthesised command name; utime and stime
	// are the 14th and 15th fields of the line.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc/%s/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("malformed /proc/%s/stat", pid)
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st, nil
}

// waitIdle waits, up to limit, until everything on the machine but the
// server and this process used less than a quarter of one CPU for a second,
// so other work does not skew the next measurement.
func waitIdle(ctx context.Context, limit time.Duration, serverPID int, pgDB string, p *progress, what string) {
	deadline := time.Now().Add(limit)
	said := false
	for {
		s0 := takeCPU(serverPID, pgDB)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		u := takeCPU(serverPID, pgDB).since(s0)
		if u.other+u.postgres < u.wall/4 {
			if said {
				p.printf("%s: the machine is quiet now", what)
			}
			return
		}
		if time.Now().After(deadline) {
			p.printf("%s: the machine is still busy (other processes %s of a CPU); measuring anyway", what, u.percent(u.other+u.postgres))
			return
		}
		if !said {
			p.printf("%s: waiting for the machine to be quiet (other processes use %s of a CPU)", what, u.percent(u.other+u.postgres))
			said = true
		}
	}
}
