irdl.dialect @nn {
  irdl.operation @add {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @relu {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %1)
    irdl.results(y: %2)
  }
  irdl.operation @equal {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    irdl.operands(a: %1, b: %2)
    irdl.results(y: %3)
  }
  irdl.operation @conv {
    %1 = irdl.base "!builtin.tensor"
    %2 = irdl.base "!builtin.tensor"
    %3 = irdl.base "!builtin.tensor"
    %4 = irdl.base "!builtin.tensor"
    %5 = irdl.base "#builtin.dense_array"
    %6 = irdl.base "#builtin.dense_array"
    %7 = irdl.base "#builtin.dense_array"
    %8 = irdl.base "#builtin.integer"
    irdl.operands(x: %1, w: %2, b: optional %3)
    irdl.results(y: %4)
    irdl.attributes {"strides" = %5, "pads" = %6, "dilations" = %7, "group" = %8}
  }
}
