.PHONY: site test check bench
site:            ## build the example site into site/
	python3 -m generator build
test:            ## the whole test suite
	python3 -m pytest
check:           ## validate the profiles only
	python3 -m generator check
bench:           ## print build timings for generated personas
	python3 benchmarks/build_speed.py
