package datastore

import "time"

type timeT = time.Time

func realNow() time.Time         { return time.Now() }
func unixNano(n int64) time.Time { return time.Unix(0, n) }
