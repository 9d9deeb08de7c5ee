package watcher

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stateLocked computes the State. Called with w.mu held.
func (w *Watcher) stateLocked() State {
	polled := w.poll.count()
	s := State{Watches: len(w.watched) + len(w.anchors), Polled: polled}
	switch {
	case w.be == nil:
		s.Mode = string(Polling)
	case polled > 0:
		s.Mode = "mixed"
	default:
		s.Mode = string(Inotify)
	}
	switch {
	case !w.roots[0].present && w.started:
		s.Err = rootGoneMessage(w.roots[0].path)
	case w.startErr != "":
		s.Err = w.startErr
	case polled > 0 && w.limitErr != nil:
		s.Err = limitMessage(w.limitErr, polled, w.opts.PollInterval)
	}
	return s
}

// limitMessage tells the user what happened and the one command that fixes
// it, with the current value read from /proc where there is one.
func limitMessage(err error, polled int, every time.Duration) string {
	folders := fmt.Sprintf("%d folders are", polled)
	if polled == 1 {
		folders = "1 folder is"
	}
	if errors.Is(err, syscall.EMFILE) {
		return fmt.Sprintf("too many inotify instances or open files (%s): %s polled every %s s; raise it with: sudo sysctl fs.inotify.max_user_instances=1024",
			sysctl("max_user_instances"), folders, seconds(every))
	}
	return fmt.Sprintf("inotify watch limit reached (%s): %s polled every %s s; raise it with: sudo sysctl fs.inotify.max_user_watches=524288",
		sysctl("max_user_watches"), folders, seconds(every))
}

// startMessage explains why inotify could not start at all.
func startMessage(err error, every time.Duration) string {
	return fmt.Sprintf("cannot start inotify (%v; %s): every folder is polled every %s s; raise it with: sudo sysctl fs.inotify.max_user_instances=1024",
		err, sysctl("max_user_instances"), seconds(every))
}

// sysctl renders "fs.inotify.<name>=<value>", the value read from /proc
// when it can be.
func sysctl(name string) string {
	key := "fs.inotify." + name
	b, err := os.ReadFile("/proc/sys/fs/inotify/" + name)
	if err != nil {
		return key
	}
	return key + "=" + strings.TrimSpace(string(b))
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}
