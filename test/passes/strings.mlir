// RUN: strata-opt %s --convert-nn-to-linalg --split-input-file | FileCheck %s

// StringConcat: string tensors become i64 handles; a broadcasting generic calls the runtime.
// CHECK-LABEL: func.func private @strata_str_concat(i64, i64) -> i64
// CHECK-LABEL: func.func @string_concat
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3xi64>, %[[Y:.*]]: tensor<3xi64>) -> tensor<2x3xi64>
// CHECK:         linalg.generic {{.*}} ins(%[[X]], %[[Y]] : tensor<2x3xi64>, tensor<3xi64>)
// CHECK:         ^bb0(%[[A:.*]]: i64, %[[B:.*]]: i64, %{{.*}}: i64):
// CHECK:           %[[R:.*]] = func.call @strata_str_concat(%[[A]], %[[B]]) : (i64, i64) -> i64
// CHECK:           linalg.yield %[[R]] : i64
func.func @string_concat(%x: tensor<2x3x!nn.string>, %y: tensor<3x!nn.string>) -> tensor<2x3x!nn.string> {
  %0 = "nn.string_concat"(%x, %y) : (tensor<2x3x!nn.string>, tensor<3x!nn.string>) -> tensor<2x3x!nn.string>
  return %0 : tensor<2x3x!nn.string>
}

// -----

// Equal on strings: strcmp in the runtime, its i32 truth value compared with 0.
// CHECK-LABEL: func.func @equal_strings
// CHECK:         linalg.generic
// CHECK:           %[[R:.*]] = func.call @strata_str_equal(%{{.*}}, %{{.*}}) : (i64, i64) -> i32
// CHECK:           %[[B:.*]] = arith.cmpi ne, %[[R]], %{{.*}} : i32
// CHECK:           linalg.yield %[[B]] : i1
func.func @equal_strings(%x: tensor<4x!nn.string>, %y: tensor<4x!nn.string>) -> tensor<4xi1> {
  %0 = "nn.equal"(%x, %y) : (tensor<4x!nn.string>, tensor<4x!nn.string>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// RegexFullMatch: the pattern is a NUL-terminated global constant passed by address.
// CHECK:       llvm.mlir.global private constant @[[PAT:strata_str_c[0-9a-f]+]]("a+b\00")
// CHECK-LABEL: func.func @regex
// CHECK:         linalg.generic
// CHECK:           %[[P:.*]] = llvm.mlir.addressof @[[PAT]] : !llvm.ptr
// CHECK:           func.call @strata_str_regex_full_match(%{{.*}}, %[[P]]) : (i64, !llvm.ptr) -> i32
func.func @regex(%x: tensor<3x!nn.string>) -> tensor<3xi1> {
  %0 = "nn.regex_full_match"(%x) {pattern = "a+b"} : (tensor<3x!nn.string>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// LabelEncoder: the key's index from the runtime picks a value of a constant table.
// CHECK:       llvm.mlir.global private constant @[[KEYS:strata_str_c[0-9a-f]+]]("a\00bb\00\00")
// CHECK-LABEL: func.func @label_encoder
// CHECK:         %[[T:.*]] = arith.constant dense<[4, 5]> : tensor<2xi16>
// CHECK:         linalg.generic
// CHECK:           %[[K:.*]] = func.call @strata_str_lookup(%{{.*}}, %{{.*}}, %{{.*}}) : (i64, !llvm.ptr, i64) -> i64
// CHECK:           %[[F:.*]] = arith.cmpi sge, %[[K]]
// CHECK:           %[[V:.*]] = tensor.extract %[[T]]
// CHECK:           arith.select %[[F]], %[[V]], %{{.*}} : i16
func.func @label_encoder(%x: tensor<3x!nn.string>) -> tensor<3xi16> {
  %0 = "nn.label_encoder"(%x) {keys = ["a", "bb"], values = dense<[4, 5]> : tensor<2xi16>, default = dense<-1> : tensor<1xi16>} : (tensor<3x!nn.string>) -> tensor<3xi16>
  return %0 : tensor<3xi16>
}

// -----

// StringSplit: counts per string, their max sizes the last dim, piece j per result element.
// CHECK-LABEL: func.func @string_split
// CHECK-SAME:    -> (tensor<2x?xi64>, tensor<2xi64>)
// CHECK:         %[[N:.*]] = linalg.generic
// CHECK:           func.call @strata_str_split_count
// CHECK:         %[[M:.*]] = linalg.generic {{.*}}iterator_types = ["reduction"]{{.*}} ins(%[[N]]
// CHECK:           arith.maxsi
// CHECK:         %[[W:.*]] = tensor.extract %[[M]][] : tensor<i64>
// CHECK:         %[[WI:.*]] = arith.index_cast %[[W]] : i64 to index
// CHECK:         tensor.empty(%[[WI]]) : tensor<2x?xi64>
// CHECK:         linalg.generic
// CHECK:           %[[J:.*]] = linalg.index 1 : index
// CHECK:           func.call @strata_str_split_part
func.func @string_split(%x: tensor<2x!nn.string>) -> (tensor<2x?x!nn.string>, tensor<2xi64>) {
  %0:2 = "nn.string_split"(%x) {delimiter = ",", maxsplit = -1 : i64} : (tensor<2x!nn.string>) -> (tensor<2x?x!nn.string>, tensor<2xi64>)
  return %0#0, %0#1 : tensor<2x?x!nn.string>, tensor<2xi64>
}

// -----

// StringNormalizer: an scf.for packs the kept, case-changed strings; max(kept, 1) of them.
// CHECK-LABEL: func.func @string_normalizer
// CHECK-SAME:    (%[[X:.*]]: tensor<1x4xi64>) -> tensor<1x?xi64>
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<1x4xi64> into tensor<4xi64>
// CHECK:         %[[L:.*]]:2 = scf.for %[[I:.*]] = {{.*}} iter_args(%[[BUF:.*]] = %{{.*}}, %[[K:.*]] = %{{.*}}) -> (tensor<4xi64>, index)
// CHECK:           %[[S:.*]] = tensor.extract %[[C]][%[[I]]]
// CHECK:           func.call @strata_str_is_stopword(%[[S]]
// CHECK:           func.call @strata_str_change_case(%[[S]]
// CHECK:           tensor.insert %{{.*}} into %[[BUF]][%[[K]]]
// CHECK:         %[[N:.*]] = arith.maxsi %[[L]]#1, %{{.*}} : index
// CHECK:         tensor.extract_slice %[[L]]#0[0] [%[[N]]] [1]
// CHECK:         tensor.expand_shape
func.func @string_normalizer(%x: tensor<1x4x!nn.string>) -> tensor<1x?x!nn.string> {
  %0 = "nn.string_normalizer"(%x) {case_change_action = "LOWER", is_case_sensitive = 0 : i64, stopwords = ["the"]} : (tensor<1x4x!nn.string>) -> tensor<1x?x!nn.string>
  return %0 : tensor<1x?x!nn.string>
}

// -----

// A string constant: the addresses of one global per string.
// CHECK:       llvm.mlir.global private constant @[[A:strata_str_c[0-9a-f]+]]("ab\00")
// CHECK-LABEL: func.func @string_constant
// CHECK:         %[[P:.*]] = llvm.mlir.addressof @[[A]] : !llvm.ptr
// CHECK:         %[[H:.*]] = llvm.ptrtoint %[[P]] : !llvm.ptr to i64
// CHECK:         tensor.from_elements %[[H]], %{{.*}} : tensor<1x2xi64>
func.func @string_constant() -> tensor<1x2x!nn.string> {
  %0 = "nn.string_constant"() {shape = array<i64: 1, 2>, values = ["ab", "c"]} : () -> tensor<1x2x!nn.string>
  return %0 : tensor<1x2x!nn.string>
}
