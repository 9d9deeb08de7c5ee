# Flowdeck. `make demo` builds and opens the demo; `make test` runs every test.
.PHONY: demo test build bench clean

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

build:
	bash scripts/build.sh

bench:
	bash scripts/bench.sh

clean:
	rm -rf bin frontend/dist
