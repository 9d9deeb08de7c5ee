package mfsim

import (
	"fmt"
	"path"
	"strconv"
	"time"
)

// ReloadPolicy is a card type's RELOAD_POLICY, which decides its tokens.
type ReloadPolicy int

const (
	// ReloadOnChange: "runtime-<ts of the last layout change>" (default,
	// blank and every template card).
	ReloadOnChange ReloadPolicy = iota
	// ReloadAlways: "render-seq-<n>", n counting runtime renders.
	ReloadAlways
	// ReloadNever: "never".
	ReloadNever
)

// CardSpec is one @card decorator.
type CardSpec struct {
	// Type is blank, default, error, default_json, taskspec_card, or a
	// custom type (written as a small custom HTML page).
	Type string
	// ID is @card(id=...); empty for none.
	ID string
	// Title is the blank card's options.title (its page title).
	Title string
	// Options are the card options recorded in card-info; Title, when set,
	// is added as "title".
	Options Obj
	// RefreshInterval is recorded in card-info; default 5 (seconds).
	RefreshInterval int
	// Policy is the reload policy of custom types.
	Policy ReloadPolicy
	// Components are appended before the first render.
	Components []Obj
}

// Card is one card of one attempt of a task. All renders of a card write
// the same file name (<type>[-<id>]-<uuid>.html) and replace it.
type Card struct {
	task    *Task
	attempt int
	spec    CardSpec
	uuid    string

	comps     []Obj
	layoutTS  time.Time // component_update_ts: last component added or removed
	renderSeq int
	infoDone  bool
	htmlToken string
	rendered  bool
	dirty     bool // a component was added since the last HTML render
	userData  any  // custom cards: the last data passed to SetUser
}

// Card declares a card of the current attempt; nothing is written until it
// renders. Declare cards in @card order (top to bottom).
func (t *Task) Card(spec CardSpec) *Card {
	if spec.Type == "" {
		spec.Type = "default"
	}
	if spec.RefreshInterval == 0 {
		spec.RefreshInterval = 5
	}
	if spec.Title != "" {
		spec.Options = spec.Options.With("title", spec.Title)
	}
	c := &Card{task: t, attempt: t.attempt, spec: spec, uuid: t.ds().hexUUID(), layoutTS: t.ds().now()}
	for _, comp := range spec.Components {
		c.comps = append(c.comps, c.withID(comp))
	}
	t.cards = append(t.cards, c)
	return c
}

// UUID returns the card's uuid (32 hex characters).
func (c *Card) UUID() string { return c.uuid }

// Name returns <type>[-<id>]-<uuid>, the file name without extension.
func (c *Card) Name() string {
	if c.spec.ID != "" {
		return c.spec.Type + "-" + c.spec.ID + "-" + c.uuid
	}
	return c.spec.Type + "-" + c.uuid
}

func (c *Card) taskDir() string {
	r := c.task.step.run
	return path.Join("mf.cards", r.flow.name, "runs", r.id, "steps", c.task.step.name, "tasks", c.task.id)
}

func (c *Card) legacyDir() string {
	r := c.task.step.run
	return path.Join("mf.cards", r.flow.name, "runs", r.id, "tasks", c.task.id, "cards")
}

// HTMLPath is the card file under steps/, relative to the datastore root
// (under the legacy path for LayoutLegacy).
func (c *Card) HTMLPath() string {
	if c.task.ds().feat.layout == LayoutLegacy {
		return path.Join(c.legacyDir(), c.Name()+".html")
	}
	return path.Join(c.taskDir(), "cards", c.Name()+".html")
}

// DataPath is the runtime data JSON, relative to the datastore root.
func (c *Card) DataPath() string { return path.Join(c.taskDir(), "runtime", c.Name()+".data.json") }

// Token is the reload token of the HTML last written ("" before that).
func (c *Card) Token() string { return c.htmlToken }

func (c *Card) template() bool {
	switch c.spec.Type {
	case "blank", "default", "error":
		return true
	}
	return false
}

// runtimeUpdatable says whether the card type ever gets a data JSON.
func (c *Card) runtimeUpdatable() bool {
	switch c.spec.Type {
	case "error", "default_json", "taskspec_card":
		return false
	}
	return true
}

func (c *Card) withID(o Obj) Obj {
	if objID(o) != "" {
		return o
	}
	prefix, ok := idPrefix[objType(o)]
	if !ok {
		return o
	}
	return o.With("id", prefix+"_"+c.task.ds().hex6())
}

// Append adds components (a layout change: the next runtime render gets a
// new token). Nothing is written.
func (c *Card) Append(comps ...Obj) {
	for _, o := range comps {
		c.comps = append(c.comps, c.withID(o))
	}
	c.layoutTS = c.task.ds().now()
	c.dirty = true
}

// Set replaces components that have the same id, keeping their place (a
// value change: the token stays). Unknown ids are ignored, as Metaflow's
// update does. Nothing is written.
func (c *Card) Set(comps ...Obj) {
	for _, o := range comps {
		id := objID(o)
		for i := range c.comps {
			if id != "" && objID(c.comps[i]) == id {
				c.comps[i] = o
			}
		}
	}
}

// Components returns the user components as they are now.
func (c *Card) Components() []Obj { return append([]Obj(nil), c.comps...) }

// runtimeToken is the token a runtime render or refresh carries now.
func (c *Card) runtimeToken() string {
	if c.template() || c.spec.Policy == ReloadOnChange {
		if c.template() && c.task.done {
			// Template cards check DONE: a refresh that runs after it
			// already says "final" (docs/format.md §12).
			return "final"
		}
		return "runtime-" + pyFloat(epochSec(c.layoutTS))
	}
	if c.spec.Policy == ReloadNever {
		return "never"
	}
	return "render-seq-" + strconv.Itoa(c.renderSeq)
}

// RenderRuntime writes the HTML as `card create --mode render_runtime`
// does, and the card-info metadata after the card's first render.
func (c *Card) RenderRuntime() error {
	c.renderSeq++
	c.dirty = false
	return c.writeHTML(c.runtimeToken(), false)
}

// WriteData writes the runtime data JSON as `card create --mode refresh`
// does: the current value of every updatable component, with the token of
// the current layout.
func (c *Card) WriteData() error {
	return c.writeData(c.runtimeToken())
}

// Update is Set followed by WriteData.
func (c *Card) Update(comps ...Obj) error {
	c.Set(comps...)
	return c.WriteData()
}

// SetUser sets what a custom card type's data JSON carries as "user" (the
// dict passed to refresh()). Nothing is written.
func (c *Card) SetUser(v any) { c.userData = v }

// AddComponent is a component added mid-run: the HTML is rendered again
// with a new token, then the data JSON is written with that token.
func (c *Card) AddComponent(comps ...Obj) error {
	c.Append(comps...)
	if err := c.RenderRuntime(); err != nil {
		return err
	}
	return c.WriteData()
}

// Refresh mimics current.card.refresh() for one call that is not dropped:
// the first call renders the HTML only; a call after a layout change
// renders the HTML and then writes the data; any other call writes the
// data.
func (c *Card) Refresh() error {
	switch {
	case !c.rendered:
		return c.RenderRuntime()
	case c.dirty:
		if err := c.RenderRuntime(); err != nil {
			return err
		}
	}
	return c.WriteData()
}

// RenderFinalHTML writes the final render (token "final"; template cards
// disable metaflow_card_update, except error cards).
func (c *Card) RenderFinalHTML() error { return c.writeHTML("final", true) }

// WriteFinalData writes the last data JSON (token "final").
func (c *Card) WriteFinalData() error { return c.writeData("final") }

// RenderFinal is RenderFinalHTML then, for runtime-updatable types,
// WriteFinalData: what Metaflow does for each card once the task is done.
func (c *Card) RenderFinal() error {
	if err := c.RenderFinalHTML(); err != nil {
		return err
	}
	if !c.runtimeUpdatable() {
		return nil
	}
	return c.WriteFinalData()
}

func (c *Card) writeHTML(token string, final bool) error {
	d := c.task.ds()
	html, err := c.html(token, final)
	if err != nil {
		return err
	}
	layout := d.feat.layout
	if layout != LayoutLegacy {
		if err := d.put(path.Join(c.taskDir(), "cards", c.Name()+".html"), html); err != nil {
			return err
		}
	}
	if layout == LayoutDual || layout == LayoutLegacy {
		if err := d.put(path.Join(c.legacyDir(), c.Name()+".html"), html); err != nil {
			return err
		}
	}
	c.htmlToken, c.rendered = token, true
	if c.infoDone || !d.feat.cardInfo {
		return nil
	}
	c.infoDone = true
	return c.task.meta.write(d.now(), attemptTag(c.attempt), field{c.uuid, "card-info", string(mustPyJSON(c.cardInfo()))})
}

func (c *Card) cardInfo() Obj {
	var id any
	if c.spec.ID != "" {
		id = c.spec.ID
	}
	opts := c.spec.Options
	if opts == nil {
		opts = Obj{}
	}
	return Obj{
		{"card_uuid", c.uuid}, {"rank", nil}, {"type", c.spec.Type}, {"options", opts},
		{"is_editable", true}, {"is_runtime_card", c.runtimeUpdatable()},
		{"refresh_interval", c.spec.RefreshInterval}, {"customize", false}, {"id", id},
	}
}

func (c *Card) writeData(token string) error {
	if !c.runtimeUpdatable() {
		return fmt.Errorf("mfsim: card %s: type %s has no runtime data", c.Name(), c.spec.Type)
	}
	d := c.task.ds()
	rec := Obj{{"reload_token", token}, {"data", c.dataPayload()}}
	if d.feat.createdOn {
		rec = append(rec, KV{"created_on", epochSec(d.now())})
	}
	return d.put(c.DataPath(), mustPyJSON(rec))
}

// dataPayload is what the card type's refresh() returns: for template
// cards the updatable components the user appended, keyed by id.
func (c *Card) dataPayload() any {
	if !c.template() {
		return Obj{{"user", c.userData}, {"components", Obj{}}}
	}
	out := Obj{}
	for _, o := range c.comps {
		if id := objID(o); id != "" && updatable[objType(o)] {
			out = append(out, KV{id, o})
		}
	}
	return out
}
