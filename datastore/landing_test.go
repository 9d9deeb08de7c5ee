package datastore

import (
	"context"
	"os"
	"testing"
)

func TestLandingRunningRunOpensItsLiveCard(t *testing.T) {
	ix := openIndex(t, copyFixture(t, "live_midrun"), Options{})
	l, err := ix.Landing(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if l.Flow != "LiveCardFlow" || l.Run != "1795642679591111" || l.Step != "train" || l.Task != "2" || l.Card == "" {
		t.Fatalf("landing = %+v, want the live card of LiveCardFlow/1795642679591111/train/2", l)
	}
	c, err := ix.Card(context.Background(), l.Card)
	if err != nil {
		t.Fatal(err)
	}
	if c.Final || c.Step != "train" {
		t.Fatalf("landing card %+v is not the running task's live card", c)
	}
}

func TestLandingFinishedRunsOpenTheNewestRun(t *testing.T) {
	ix := openIndex(t, copyFixture(t, "retry"), Options{})
	l, err := ix.Landing(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	runs, err := ix.Runs(l.Flow)
	if err != nil {
		t.Fatal(err)
	}
	if l.Run != runs[0].ID || l.Step != "" || l.Card != "" {
		t.Fatalf("landing = %+v, want the newest run %s of %s and no deeper", l, runs[0].ID, l.Flow)
	}
}

func TestLandingEmptyDatastore(t *testing.T) {
	root := t.TempDir() + "/.metaflow"
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root, Options{})
	l, err := ix.Landing(context.Background())
	if err != nil || l != (Landing{}) {
		t.Fatalf("landing = %+v, %v; want nothing", l, err)
	}
}

func TestFirstCard(t *testing.T) {
	card := func(key, typ string, attempt int, final bool) Card {
		return Card{Key: key, Type: typ, Attempt: attempt, Final: final}
	}
	for _, tc := range []struct {
		name  string
		cards []Card
		want  string
	}{
		{"live before final", []Card{card("d", "default", 0, true), card("b", "blank", 0, true), card("l", "default", 0, false)}, "l"},
		{"blank before default", []Card{card("d", "default", 0, true), card("b", "blank", 0, true)}, "b"},
		{"custom before default", []Card{card("d", "default", 0, false), card("c", "my_card", 0, false)}, "c"},
		{"latest attempt first", []Card{card("old", "blank", 0, false), card("new", "default", 1, true)}, "new"},
		{"ties keep the order", []Card{card("x", "blank", 0, true), card("y", "blank", 0, true)}, "x"},
	} {
		got, ok := FirstCard(tc.cards)
		if !ok || got.Key != tc.want {
			t.Errorf("%s: FirstCard = %q, want %q", tc.name, got.Key, tc.want)
		}
	}
	if _, ok := FirstCard(nil); ok {
		t.Error("FirstCard(nil) found a card")
	}
}
