/* Links the library stratac made from Inputs/mlp_dynamic.mlir (batch dim dynamic), runs it
 * at two batch sizes and prints the outputs, which the library allocates. */
#include <stdio.h>
#include <stdlib.h>

#include "mlp.h"

static int run(const float* x, int64_t rows) {
  const int64_t x_shape[2] = {rows, 4};
  float* y = NULL;
  int64_t y_shape[2] = {-1, -1};
  int rc = mlp(x, x_shape, &y, y_shape);
  printf("run(%lld): %d shape %lldx%lld\n", (long long)rows, rc, (long long)y_shape[0],
         (long long)y_shape[1]);
  if (rc != STRATA_OK) return rc;
  for (int64_t i = 0; i < y_shape[0] * y_shape[1]; ++i) printf("y[%lld] = %g\n", (long long)i, y[i]);
  free(y);
  return 0;
}

int main(void) {
  const float x[3 * 4] = {1, 2, 3, 4, -1, 0, 1, 0, 0, 0, 0, 1};
  if (mlp_init(NULL) != STRATA_OK) return 1;
  run(x, 2);
  run(x, 3);
  const int64_t bad[2] = {2, 5};
  float* y = NULL;
  int64_t y_shape[2];
  printf("bad: %d %s\n", mlp(x, bad, &y, y_shape), y ? "set" : "null");
  mlp_fini();
  return 0;
}
