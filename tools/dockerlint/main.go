// Command dockerlint checks a Dockerfile where no Docker daemon runs and
// hadolint cannot be installed (scripts/docker-check.sh says which check
// ran). It applies the part of BuildKit's own Dockerfile checks (those
// `docker build --check` reports) that runs while BuildKit parses: the
// parser's warnings and the rules of instructions.Parse (stage name and
// FROM/AS casing, MAINTAINER, duplicate or reserved stage names, undefined
// ARG in FROM, …). The rules BuildKit runs only while converting to a
// build graph (dockerfile2llb: undefined variables, instruction casing,
// JSON arguments, …) need a build context and are not run. Then
// Flowdeck's rules for its image: several stages, a final stage FROM
// distroless or scratch, a non-root USER in it, and ENTRYPOINT and CMD in
// exec (JSON) form, so SIGTERM reaches flowdeck and not a shell.
//
//	cd tools/dockerlint && go run . ../../Dockerfile
//
// It is its own module so that BuildKit stays out of Flowdeck's go.mod.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerlint DOCKERFILE")
		os.Exit(2)
	}
	problems, err := lint(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockerlint:", err)
		os.Exit(1)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		fmt.Printf("dockerlint: %s: %d problems\n", os.Args[1], len(problems))
		os.Exit(1)
	}
	fmt.Printf("dockerlint: %s passes BuildKit's checks and Flowdeck's image rules\n", os.Args[1])
}

func lint(path string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []string
	for _, w := range res.Warnings {
		out = append(out, fmt.Sprintf("%s:%d: %s", path, w.Location.Start.Line, w.Short))
	}
	lc := linter.New(&linter.Config{Warn: func(rule, desc, url, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		out = append(out, fmt.Sprintf("%s:%d: %s: %s (%s)", path, line, rule, msg, url))
	}})
	stages, _, err := instructions.Parse(res.AST, lc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return append(out, imageRules(path, stages)...), nil
}

// imageRules are Flowdeck's rules for its image (issue 11): a multi-stage
// build whose final stage is a static base with a non-root user.
func imageRules(path string, stages []instructions.Stage) []string {
	if len(stages) < 2 {
		return []string{fmt.Sprintf("%s: one stage; the image is built in one stage and shipped from a second", path)}
	}
	var out []string
	final := stages[len(stages)-1]
	base := final.BaseName
	if base != "scratch" && !strings.HasPrefix(base, "gcr.io/distroless/static") {
		out = append(out, fmt.Sprintf("%s: the final stage is FROM %s; want scratch or gcr.io/distroless/static", path, base))
	}
	user := ""
	if strings.HasSuffix(base, ":nonroot") {
		user = "nonroot"
	}
	for _, c := range final.Commands {
		if u, ok := c.(*instructions.UserCommand); ok {
			user = u.User
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		out = append(out, fmt.Sprintf("%s: the final stage runs as root; add a USER that is not root", path))
	}
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.EntrypointCommand:
			if c.PrependShell {
				out = append(out, fmt.Sprintf("%s:%d: ENTRYPOINT in shell form; use the JSON form", path, c.Location()[0].Start.Line))
			}
		case *instructions.CmdCommand:
			if c.PrependShell {
				out = append(out, fmt.Sprintf("%s:%d: CMD in shell form; use the JSON form", path, c.Location()[0].Start.Line))
			}
		}
	}
	return out
}
