// Package kst is Korea Standard Time, the calendar a Korean shop keeps:
// order numbers, the first of the month, times shown to people. KST has no
// daylight saving (none since 1988), so a fixed zone needs no time zone
// database on the server.
package kst

import "time"

// Zone is UTC+9.
var Zone = time.FixedZone("KST", 9*60*60)
