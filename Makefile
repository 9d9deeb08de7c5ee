# Flowdeck. `make demo` builds and opens the demo; `make test` runs every test.
# `make build`: bin/flowdeck (desktop) and bin/flowdeck-serve (static,
# serve only); `make package`: bin/flowdeck_<version>_amd64.deb.
.PHONY: demo test build package bench clean

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

build:
	bash scripts/build.sh

package:
	bash scripts/package.sh

bench:
	bash scripts/bench.sh

clean:
	rm -rf bin frontend/dist
