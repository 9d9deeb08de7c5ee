package artifacts

import (
	"fmt"
	"math/big"
	"strings"
)

// Go rebuilds of the standard library's pickled values (their reduce forms
// in CPython 3.x). Each returns nil when the arguments are not the shape
// it knows; the value is then shown as a plain object.

func init() {
	register(rebuildDatetime, "datetime.datetime")
	register(rebuildDate, "datetime.date")
	register(rebuildTime, "datetime.time")
	register(rebuildTimedelta, "datetime.timedelta")
	register(rebuildTimezone, "datetime.timezone")
	register(rebuildUTC, "pytz._UTC")
	register(rebuildDecimal, "decimal.Decimal", "_pydecimal.Decimal")
	register(rebuildFraction, "fractions.Fraction")
	register(rebuildUUID, "uuid.UUID")
	register(rebuildPath, "pathlib.PurePosixPath", "pathlib.PosixPath", "pathlib.PureWindowsPath",
		"pathlib.WindowsPath", "pathlib.Path", "pathlib.PurePath")
	register(rebuildComplex, "builtins.complex", "__builtin__.complex")
	register(rebuildSlice, "builtins.slice", "__builtin__.slice")
	register(rebuildRange, "builtins.range", "__builtin__.xrange")
}

// stateBytes accepts bytes, or a str of latin-1 code points (Python 2 and
// some protocol 2 pickles).
func stateBytes(x any) ([]byte, bool) {
	switch v := x.(type) {
	case *pyBytes:
		return v.b, true
	case string:
		return latin1Bytes(v), true
	}
	return nil, false
}

func asInt(x any) (int64, bool) {
	switch v := x.(type) {
	case int64:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// tzinfo describes a datetime's tzinfo: the UTC offset for isoformat (ok
// false when unknown) and its repr.
func (c *converter) tzinfo(x any) (offset string, repr string, ok bool) {
	v := c.value(x, c.lim.MaxDepth-1)
	if v.Kind == KindObject && v.Type == "datetime.timezone" {
		if off, isStr := v.Value.(string); isStr {
			return off, v.Repr, true
		}
	}
	return "", v.Repr, false
}

func rebuildDatetime(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	if len(o.args) < 1 || len(o.args) > 2 {
		return nil
	}
	b, ok := stateBytes(o.args[0])
	if !ok || len(b) != 10 {
		return nil
	}
	fold := b[2]&0x80 != 0
	y, mo, d := int(b[0])<<8|int(b[1]), int(b[2]&0x7f), int(b[3])
	h, mi, s := int(b[4]), int(b[5]), int(b[6])
	us := int(b[7])<<16 | int(b[8])<<8 | int(b[9])
	iso := fmt.Sprintf("%04d-%02d-%02dT%s", y, mo, d, isoClock(h, mi, s, us))
	repr := fmt.Sprintf("datetime.datetime(%d, %d, %d, %s", y, mo, d, clockArgs(h, mi, s, us))
	iso, repr = c.tzFold(o, iso, repr, fold)
	return &Value{Kind: KindDatetime, Type: "datetime.datetime", Value: iso, Repr: repr + ")"}
}

// tzFold adds what datetime and time share after their clock: the UTC
// offset of a known tzinfo (second pickle argument) to the ISO form, and
// the tzinfo and fold=1 arguments to the repr (still missing its ")").
func (c *converter) tzFold(o *pyObject, iso, repr string, fold bool) (string, string) {
	if len(o.args) == 2 {
		if _, none := o.args[1].(pyNone); !none {
			off, tzRepr, known := c.tzinfo(o.args[1])
			if known {
				iso += off
			}
			repr += ", tzinfo=" + tzRepr
		}
	}
	if fold {
		repr += ", fold=1"
	}
	return iso, repr
}

func isoClock(h, m, s, us int) string {
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if us != 0 {
		out += fmt.Sprintf(".%06d", us)
	}
	return out
}

// clockArgs are the hour..microsecond arguments of a datetime or time
// repr: Python leaves out trailing zero seconds and microseconds.
func clockArgs(h, m, s, us int) string {
	switch {
	case us != 0:
		return fmt.Sprintf("%d, %d, %d, %d", h, m, s, us)
	case s != 0:
		return fmt.Sprintf("%d, %d, %d", h, m, s)
	}
	return fmt.Sprintf("%d, %d", h, m)
}

func rebuildDate(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	if len(o.args) != 1 {
		return nil
	}
	b, ok := stateBytes(o.args[0])
	if !ok || len(b) != 4 {
		return nil
	}
	y, m, d := int(b[0])<<8|int(b[1]), int(b[2]), int(b[3])
	return &Value{Kind: KindDate, Type: "datetime.date", Value: fmt.Sprintf("%04d-%02d-%02d", y, m, d),
		Repr: fmt.Sprintf("datetime.date(%d, %d, %d)", y, m, d)}
}

func rebuildTime(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	if len(o.args) < 1 || len(o.args) > 2 {
		return nil
	}
	b, ok := stateBytes(o.args[0])
	if !ok || len(b) != 6 {
		return nil
	}
	fold := b[0]&0x80 != 0
	h, m, s := int(b[0]&0x7f), int(b[1]), int(b[2])
	us := int(b[3])<<16 | int(b[4])<<8 | int(b[5])
	iso := isoClock(h, m, s, us)
	repr := "datetime.time(" + clockArgs(h, m, s, us)
	iso, repr = c.tzFold(o, iso, repr, fold)
	return &Value{Kind: KindTime, Type: "datetime.time", Value: iso, Repr: repr + ")"}
}

func timedeltaParts(o *pyObject) (days, secs, us int64, ok bool) {
	if len(o.args) != 3 {
		return 0, 0, 0, false
	}
	var ok1, ok2, ok3 bool
	days, ok1 = asInt(o.args[0])
	secs, ok2 = asInt(o.args[1])
	us, ok3 = asInt(o.args[2])
	return days, secs, us, ok1 && ok2 && ok3
}

func rebuildTimedelta(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	days, secs, us, ok := timedeltaParts(o)
	if !ok {
		return nil
	}
	// str(timedelta): "[-]D day[s], H:MM:SS[.ffffff]"
	str := ""
	if days != 0 {
		plural := "s"
		if days == 1 || days == -1 {
			plural = ""
		}
		str = fmt.Sprintf("%d day%s, ", days, plural)
	}
	str += fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if us != 0 {
		str += fmt.Sprintf(".%06d", us)
	}
	var args []string
	if days != 0 {
		args = append(args, fmt.Sprintf("days=%d", days))
	}
	if secs != 0 {
		args = append(args, fmt.Sprintf("seconds=%d", secs))
	}
	if us != 0 {
		args = append(args, fmt.Sprintf("microseconds=%d", us))
	}
	if len(args) == 0 {
		args = []string{"0"}
	}
	return &Value{Kind: KindTimedelta, Type: "datetime.timedelta", Value: str,
		Repr: "datetime.timedelta(" + strings.Join(args, ", ") + ")"}
}

// rebuildTimezone gives a datetime.timezone as an object whose value is
// its isoformat offset ("+00:00"), used by datetime's isoformat.
func rebuildTimezone(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	if len(o.args) < 1 || len(o.args) > 2 {
		return nil
	}
	td, ok := o.args[0].(*pyObject)
	if !ok {
		return nil
	}
	tdc, ok := td.callee.(*pyClass)
	if !ok || tdc.full() != "datetime.timedelta" {
		return nil
	}
	days, secs, us, ok := timedeltaParts(td)
	if !ok {
		return nil
	}
	total := (days*86400+secs)*1000000 + us
	sign := "+"
	if total < 0 {
		sign, total = "-", -total
	}
	hh, mm, ss, ff := total/3600000000, total/60000000%60, total/1000000%60, total%1000000
	off := fmt.Sprintf("%s%02d:%02d", sign, hh, mm)
	if ss != 0 || ff != 0 {
		off += fmt.Sprintf(":%02d", ss)
		if ff != 0 {
			off += fmt.Sprintf(".%06d", ff)
		}
	}
	repr := ""
	if total == 0 && len(o.args) == 1 {
		repr = "datetime.timezone.utc"
	} else {
		repr = "datetime.timezone(" + c.value(td, depth+1).Repr
		if len(o.args) == 2 {
			repr += ", " + c.value(o.args[1], depth+1).Repr
		}
		repr += ")"
	}
	return &Value{Kind: KindObject, Type: "datetime.timezone", Value: off, Repr: repr}
}

func rebuildUTC(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	return &Value{Kind: KindObject, Type: "pytz.UTC", Value: "+00:00", Repr: "<UTC>"}
}

func rebuildDecimal(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	if len(o.args) != 1 {
		return nil
	}
	s, ok := o.args[0].(string)
	if !ok {
		return nil
	}
	return &Value{Kind: KindDecimal, Type: "decimal.Decimal", Value: s, Repr: cut("Decimal('"+s+"')", reprMax)}
}

func rebuildFraction(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	var num, den string
	switch len(o.args) {
	case 1: // older Pythons pickle str(self)
		s, ok := o.args[0].(string)
		if !ok {
			return nil
		}
		num, den, _ = strings.Cut(s, "/")
		if den == "" {
			den = "1"
		}
	case 2:
		n, ok1 := intString(o.args[0])
		d, ok2 := intString(o.args[1])
		if !ok1 || !ok2 {
			return nil
		}
		num, den = n, d
	default:
		return nil
	}
	str := num
	if den != "1" {
		str += "/" + den
	}
	return &Value{Kind: KindFraction, Type: "fractions.Fraction", Value: str, Repr: cut("Fraction("+num+", "+den+")", reprMax)}
}

func intString(x any) (string, bool) {
	switch v := x.(type) {
	case int64:
		return fmt.Sprint(v), true
	case *big.Int:
		return v.String(), true
	}
	return "", false
}

func rebuildUUID(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	d, ok := o.state.(*pyDict)
	if !ok {
		return nil
	}
	var n *big.Int
	for i, k := range d.keys {
		if k == "int" {
			switch v := d.vals[i].(type) {
			case int64:
				n = big.NewInt(v)
			case *big.Int:
				n = v
			}
		}
	}
	if n == nil || n.Sign() < 0 || n.BitLen() > 128 {
		return nil
	}
	h := fmt.Sprintf("%032x", n)
	s := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	return &Value{Kind: KindUUID, Type: "uuid.UUID", Value: s, Repr: "UUID('" + s + "')"}
}

func rebuildPath(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	parts := make([]string, 0, len(o.args))
	for _, a := range o.args {
		s, ok := a.(string)
		if !ok {
			return nil
		}
		parts = append(parts, s)
	}
	windows := strings.Contains(cls.name, "Windows")
	sep := "/"
	if windows {
		sep = `\`
	}
	p := ""
	for _, part := range parts {
		switch {
		case part == "":
		case strings.HasPrefix(part, "/") || (windows && (strings.HasPrefix(part, `\`) || strings.Contains(part, ":"))):
			p = part
		case p == "" || strings.HasSuffix(p, sep):
			p += part
		default:
			p += sep + part
		}
	}
	if p == "" {
		p = "."
	}
	return &Value{Kind: KindPath, Type: cls.full(), Value: p, Repr: cut(cls.name+"("+pyStrRepr(p)+")", reprMax)}
}

func rebuildComplex(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	if len(o.args) != 2 {
		return nil
	}
	re, ok1 := o.args[0].(*float64)
	im, ok2 := o.args[1].(*float64)
	if !ok1 || !ok2 {
		return nil
	}
	return &Value{Kind: KindObject, Type: "builtins.complex", Repr: complexRepr(*re, *im, 64)}
}

func complexRepr(re, im float64, bits int) string {
	ims := pyFloatRepr(im, bits)
	if !strings.HasPrefix(ims, "-") {
		ims = "+" + ims
	}
	if re == 0 && !signbit(re) {
		return strings.TrimPrefix(ims, "+") + "j"
	}
	return "(" + pyFloatRepr(re, bits) + ims + "j)"
}

func rebuildSlice(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	parts := make([]string, 0, 3)
	for _, a := range o.args {
		parts = append(parts, c.value(a, c.lim.MaxDepth).Repr)
	}
	return &Value{Kind: KindObject, Type: "builtins.slice", Repr: "slice(" + strings.Join(parts, ", ") + ")"}
}

func rebuildRange(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	parts := make([]string, 0, 3)
	for i, a := range o.args {
		if i == 2 {
			if v, ok := a.(int64); ok && v == 1 {
				break
			}
		}
		parts = append(parts, c.value(a, c.lim.MaxDepth).Repr)
	}
	return &Value{Kind: KindObject, Type: "builtins.range", Repr: "range(" + strings.Join(parts, ", ") + ")"}
}
