"""Pure rule functions, one module per legal area, each returning Figures."""
