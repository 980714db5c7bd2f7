/* Links the library stratac made from Inputs/mlp.mlir and prints its outputs. */
#include <stdio.h>

#include "mlp.h"

int main(int argc, char** argv) {
  const float x[2 * 4] = {1, 2, 3, 4, -1, 0, 1, 0};
  float y[2 * 3] = {0};
  printf("early: %d\n", mlp(x, y));
  int rc = mlp_init(argc > 1 ? argv[1] : NULL);
  printf("init: %d\n", rc);
  if (rc != STRATA_OK) return 1;
  printf("run: %d\n", mlp(x, y));
  for (int i = 0; i < 6; ++i) printf("y[%d] = %g\n", i, y[i]);
  mlp_fini();
  printf("after fini: %d\n", mlp(x, y));
  return 0;
}
