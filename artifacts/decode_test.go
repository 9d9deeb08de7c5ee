package artifacts

import (
	"errors"
	"os"
	"strings"
	"testing"
)

const executedMarker = "/tmp/flowdeck-pickle-was-executed"

// TestHostileFixture: the fixture's `hostile` artifact pickles
// os.system("touch /tmp/flowdeck-pickle-was-executed"). The reader refuses
// the call, names it, and the file never appears.
func TestHostileFixture(t *testing.T) {
	if _, err := os.Stat(executedMarker); err == nil {
		t.Fatalf("%s exists before the test: something ran a hostile pickle earlier", executedMarker)
	}
	v, err := decodeFile(t, startObjects(t)["hostile"])
	if !errors.Is(err, ErrUnsafe) {
		t.Fatalf("err = %v, want ErrUnsafe", err)
	}
	if v.Kind != KindError || v.Type != "posix.system" || !strings.Contains(v.Error, "refused to call posix.system") {
		t.Fatalf("hostile = %+v", v)
	}
	if _, err := os.Stat(executedMarker); err == nil {
		t.Fatalf("%s appeared: the pickle was executed", executedMarker)
	}
}

// TestFlowClasses: instances of the flow's own classes are shown by class
// name and state, without importing the flow's module.
func TestFlowClasses(t *testing.T) {
	objects := startObjects(t)
	custom, err := decodeFile(t, objects["custom"])
	if err != nil {
		t.Fatal(err)
	}
	if custom.Kind != KindObject || custom.Type != "__main__.Custom" || custom.Repr != "<__main__.Custom object>" {
		t.Fatalf("custom = %+v", custom)
	}
	if len(custom.Fields) != 2 || custom.Fields[0].Name != "name" || custom.Fields[0].Value.Value != "custom" ||
		custom.Fields[1].Name != "values" || custom.Fields[1].Value.Repr != "[1, 2, 3]" {
		t.Fatalf("custom fields = %+v", custom.Fields)
	}
	point, err := decodeFile(t, objects["point"])
	if err != nil {
		t.Fatal(err)
	}
	if point.Kind != KindObject || point.Type != "__main__.Point" || point.Repr != "Point(1, 2)" ||
		len(point.Items) != 2 || point.Items[0].Value != int64(1) || point.Items[1].Value != int64(2) {
		t.Fatalf("point = %+v", point)
	}
}

func TestPreview(t *testing.T) {
	objects := startObjects(t)
	for name, want := range map[string]string{
		"float_value": "0.0684",
		"text":        "'hello world'",
		"true_value":  "True",
		"none_value":  "None",
		"tuple_value": "(1, 'two', 3.0)",
		"set_value":   "{1, 2, 3}",
		"money":       "Decimal('12.3400')",
		"day":         "datetime.date(2024, 2, 29)",
		"big_list":    "",
		"long_text":   "",
		"nested":      "",
		"deep":        "",
		"hostile":     "",
		"custom":      "",
		"list_value":  "",
	} {
		v, _ := decodeFile(t, objects[name])
		if got := Preview(v); got != want {
			t.Errorf("Preview(%s) = %q, want %q", name, got, want)
		}
	}
}
