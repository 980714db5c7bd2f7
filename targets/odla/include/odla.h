/* odla.h: Strata's ODLA interface.
 *
 * An API shaped like ODLA 0.5 (the Open Deep Learning API of Alibaba's HALO): the same
 * function names and argument order for the part it covers, so that a program in HALO's shape
 * builds against it. This text is Strata's own; it declares what Strata's odla-to-cpp output
 * calls and what Strata's runtimes (libodla_ref, ...) implement. See docs/odla.md.
 *
 * The model: odla_CreateComputation makes a computation and makes it the active one; the
 * value and op functions add to the active computation and return an odla_value (NULL when
 * the arguments are invalid; the computation then remembers the error, and
 * odla_ExecuteComputation reports it). odla_CreateContext makes a context, which holds the
 * buffers bound to the arguments and outputs (odla_BindTo*ById) of one execution. A
 * computation may be executed by several threads at once, each with its own context.
 *
 * Shapes are row-major; every op takes the result's dims (output_dims) as HALO passes them.
 *
 * A computation set to ODLA_INTERPRET (odla_SetComputationItem, ODLA_EXECUTION_MODE) runs
 * each op as it is called instead: see odla_execution_mode.
 */
#ifndef STRATA_ODLA_H
#define STRATA_ODLA_H

#include <stddef.h>
#include <stdint.h>

#define ODLA_VERSION_MAJOR 0
#define ODLA_VERSION_MINOR 5
#define ODLA_MAX_DIMENSION 10 /* most dims of a value */
#define ODLA_MAX_OUTPUTS 64   /* most values in an odla_values */

/* Runtimes build with ODLA_API marking what they export; programs see it empty. */
#ifndef ODLA_API
#define ODLA_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef float odla_float32;
typedef int32_t odla_int32;
typedef int64_t odla_int64;
typedef uint32_t odla_uint32;
typedef size_t odla_size_t;
typedef int odla_bool;
typedef void odla_void;

typedef enum {
  ODLA_SUCCESS = 0,
  ODLA_FAILURE = 1,           /* an invalid argument or an unsupported case */
  ODLA_UNSUPPORTED_DATATYPE = 2,
  ODLA_MEM_ERROR = 3,         /* out of memory */
  ODLA_INVALID_PARAM = 4,     /* a NULL or unknown handle, an unknown value id */
  ODLA_UNRECOVERABLE_ERR = 5, /* the computation holds an op that failed to build */
} odla_status;

typedef enum {
  ODLA_FLOAT32 = 0,
  ODLA_FLOAT16 = 1,
  ODLA_FLOAT64 = 2,
  ODLA_INT8 = 3,
  ODLA_INT16 = 4,
  ODLA_INT32 = 5,
  ODLA_INT64 = 6,
  ODLA_UINT8 = 7,
  ODLA_UINT16 = 8,
  ODLA_UINT32 = 9,
  ODLA_UINT64 = 10,
  ODLA_BOOL = 11, /* one byte per element, 0 or 1 */
  /* Strata's extension (numbered from 1000, like its items): element types the runtimes store
   * and move but do not compute in. Values of these types are arguments, constants, outputs
   * and the operands and results of odla_CustomCall (Strata's odla target computes the ops on
   * them on its loop path). bfloat16 takes two bytes per element, the others one, as numpy's
   * ml_dtypes stores them (an int4 / uint4 / int2 / uint2 / float4 value in the low bits). */
  ODLA_BFLOAT16 = 1000,
  ODLA_FLOAT8_E4M3FN = 1001,
  ODLA_FLOAT8_E4M3FNUZ = 1002,
  ODLA_FLOAT8_E5M2 = 1003,
  ODLA_FLOAT8_E5M2FNUZ = 1004,
  ODLA_FLOAT4_E2M1FN = 1005,
  ODLA_INT4 = 1006,
  ODLA_UINT4 = 1007,
  ODLA_INT2 = 1008,
  ODLA_UINT2 = 1009,
} odla_element_type;

typedef enum {
  ODLA_CHANNELS_FIRST = 0, /* N, C, spatial... */
  ODLA_CHANNELS_LAST = 1,  /* N, spatial..., C */
  ODLA_SIO = 2,            /* kernel: spatial..., in, out */
  ODLA_OIS = 3,            /* kernel: out, in, spatial... */
} odla_memory_layout;

typedef enum {
  ODLA_COMPUTE_INFERENCE = 0,
  ODLA_COMPUTE_TRAINING = 1,
} odla_compute_mode;

typedef struct {
  odla_int32 size; /* number of dims; 0: a scalar */
  odla_int64 dims[ODLA_MAX_DIMENSION];
} odla_value_shape;

typedef struct {
  odla_element_type element_type;
  odla_value_shape shape;
} odla_value_type;

typedef struct _odla_value* odla_value;
typedef struct _odla_computation* odla_computation;
typedef struct _odla_context* odla_context;
typedef struct _odla_device* odla_device;
/* A value's id: a NUL-terminated name, cast as HALO's generated code does:
 * (const odla_value_id) "name". */
typedef struct _odla_value_id* odla_value_id;

typedef struct {
  odla_size_t size;
  odla_value values[ODLA_MAX_OUTPUTS];
} odla_values;

/* ---- computations and contexts ------------------------------------------------------------ */

ODLA_API odla_status odla_CreateComputation(odla_computation* computation);
ODLA_API odla_status odla_SetActiveComputation(odla_computation computation);
ODLA_API odla_status odla_DestroyComputation(odla_computation computation);
ODLA_API odla_status odla_CreateContext(odla_context* context);
ODLA_API odla_status odla_DestroyContext(odla_context context);
ODLA_API odla_status odla_BindToArgumentById(const odla_value_id value_id, const odla_void* data_ptr,
                                             odla_context context);
ODLA_API odla_status odla_BindToOutputById(const odla_value_id value_id, odla_void* data_ptr,
                                           odla_context context);
ODLA_API odla_status odla_ExecuteComputation(const odla_computation computation,
                                             const odla_context context,
                                             const odla_compute_mode mode, odla_device device);

/* Properties of a computation or a context (odla_Set*Item); the value is a pointer to the
 * item's data, cast to odla_item_value as HALO's generated code does. The items below are
 * Strata's: ODLA 0.5's items (ODLA_DYNAMIC_BATCH, ...) are not supported. */
typedef enum {
  /* an odla_execution_mode; set on a computation before its first value */
  ODLA_EXECUTION_MODE = 1000,
  /* an odla_bool; set before the first value (computation) or binding (context): value ids
   * are integers cast to odla_value_id, (odla_value_id)(uintptr_t)N, not strings */
  ODLA_VALUE_ID_AS_INT = 1001,
} odla_item_type;
typedef struct _odla_item_value* odla_item_value;

typedef enum {
  /* the default: op calls build the computation; odla_ExecuteComputation runs it on the
   * buffers bound to a context */
  ODLA_COMPILE = 0,
  /* each op call computes its value at once from its operands' data; arguments are
   * odla_CreateValue + odla_SetValueData, results are read with odla_GetValueData, and
   * odla_ReleaseValue frees a value's memory. odla_ExecuteComputation is refused. */
  ODLA_INTERPRET = 1,
} odla_execution_mode;

ODLA_API odla_status odla_SetComputationItem(odla_computation computation, odla_item_type type,
                                             odla_item_value value);
ODLA_API odla_status odla_SetContextItem(odla_context context, odla_item_type type,
                                         odla_item_value value);
/* The message of the last failure in this thread ("" if none); Strata's addition. */
ODLA_API const char* odla_GetLastError(void);

/* ---- values ------------------------------------------------------------------------------- */

ODLA_API odla_value odla_CreateArgument(odla_value_type type, const odla_value_id value_id);
/* `data_ptr` must stay valid as long as the computation (it is not copied). */
ODLA_API odla_value odla_CreateConstant(odla_value_type type, const odla_void* data_ptr,
                                        const odla_value_id value_id);
ODLA_API odla_status odla_SetValueAsOutput(const odla_value value);
ODLA_API odla_status odla_GetValueType(const odla_value value, odla_value_type* value_type);
/* Interpret mode: a value of `type` owning its memory (no data until odla_SetValueData). */
ODLA_API odla_value odla_CreateValue(odla_value_type type, const odla_value_id value_id);
/* Interpret mode: copies the value's bytes from `data_ptr` into it. */
ODLA_API odla_status odla_SetValueData(odla_value value, const odla_void* data_ptr);
/* Interpret mode: copies the value's bytes into `data_ptr`. */
ODLA_API odla_status odla_GetValueData(const odla_value value, odla_void* data_ptr);
/* Interpret mode: frees the value's memory now; later uses of it fail. */
ODLA_API odla_status odla_ReleaseValue(odla_value value);

/* Strata's addition: the bytes of value data (interpret-mode values: odla_CreateValue and op
 * results; not constants) this thread's computations hold now, and the most they held at
 * once since the last reset (reset_peak: start the next peak from `current`). */
typedef struct {
  odla_size_t current;
  odla_size_t peak;
} odla_memory_stats;
ODLA_API odla_status odla_GetMemoryStats(odla_memory_stats* stats, odla_bool reset_peak);

/* ---- math --------------------------------------------------------------------------------- */

ODLA_API odla_value odla_Add(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Sub(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Mul(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Div(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Max(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Min(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Pow(odla_value base, odla_value exponent, const odla_value_id value_id);
ODLA_API odla_value odla_Abs(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Neg(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Exp(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Log(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Sqrt(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Rsqrt(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Reciprocal(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Erf(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Tanh(odla_value input, const odla_value_id value_id);
/* Comparisons (numbers of one element type, broadcasting) give ODLA_BOOL values. */
ODLA_API odla_value odla_Equal(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Less(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_Greater(odla_value lhs, odla_value rhs, const odla_value_id value_id);
ODLA_API odla_value odla_LessOrEqual(odla_value lhs, odla_value rhs,
                                     const odla_value_id value_id);
ODLA_API odla_value odla_GreaterOrEqual(odla_value lhs, odla_value rhs,
                                        const odla_value_id value_id);
ODLA_API odla_value odla_Not(odla_value input, const odla_value_id value_id);
/* condition ? a : b element-wise, the three broadcast together. */
ODLA_API odla_value odla_Select(odla_value condition, odla_value a, odla_value b,
                                odla_value_shape output_dims, const odla_value_id value_id);
/* alpha * op(A) @ op(B) + beta * C; C may be NULL. */
ODLA_API odla_value odla_Gemm(odla_value A, odla_bool transpose_A, odla_value B, odla_bool transpose_B,
                              odla_float32 alpha, odla_float32 beta, odla_value C,
                              odla_value_shape output_dims, const odla_value_id value_id);
ODLA_API odla_value odla_BatchMatMul(odla_value lhs, odla_bool lhs_transpose, odla_value rhs,
                                     odla_bool rhs_transpose, odla_value_shape output_dims,
                                     const odla_value_id value_id);
ODLA_API odla_value odla_ReduceMean(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                                    odla_bool keep_dims, odla_value_shape output_dims,
                                    const odla_value_id value_id);
ODLA_API odla_value odla_ReduceSum(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                                   odla_bool keep_dims, odla_value_shape output_dims,
                                   const odla_value_id value_id);
ODLA_API odla_value odla_ReduceMax(odla_value input, odla_size_t num_of_axes, const odla_uint32* axes,
                                   odla_bool keep_dims, odla_value_shape output_dims,
                                   const odla_value_id value_id);

/* ---- nn ----------------------------------------------------------------------------------- */

ODLA_API odla_value odla_Relu(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Sigmoid(odla_value input, const odla_value_id value_id);
ODLA_API odla_value odla_Gelu(odla_value input, odla_bool use_approx, const odla_value_id value_id);
ODLA_API odla_value odla_LeakyRelu(odla_value input, odla_float32 alpha, const odla_value_id value_id);
ODLA_API odla_value odla_HardSigmoid(odla_value input, odla_float32 alpha, odla_float32 beta,
                                     const odla_value_id value_id);
ODLA_API odla_value odla_Clamp(odla_value input, odla_float32 lo, odla_float32 hi,
                               const odla_value_id value_id);
ODLA_API odla_value odla_Softmax(odla_value input, odla_int32 axis, const odla_value_id value_id);
ODLA_API odla_value odla_LogSoftmax(odla_value input, odla_int32 axis, const odla_value_id value_id);
/* Spatial arrays (strides, dilations, paddings) have one entry per spatial dim. */
ODLA_API odla_value odla_Conv(odla_value input, odla_memory_layout input_layout, odla_uint32 group,
                              odla_value kernel, odla_memory_layout kernel_layout,
                              const odla_uint32* strides, const odla_uint32* dilations,
                              const odla_uint32* paddings_front, const odla_uint32* paddings_back,
                              odla_value bias, odla_value_shape output_dims,
                              const odla_value_id value_id);
ODLA_API odla_value odla_MaxPool(odla_value input, odla_memory_layout input_layout,
                                 const odla_uint32* window_dims, const odla_uint32* strides,
                                 const odla_uint32* paddings_front, const odla_uint32* paddings_back,
                                 odla_value_shape output_dims, const odla_value_id value_id);
/* The mean over the window's elements inside the input (padding is not counted). */
ODLA_API odla_value odla_AveragePool(odla_value input, odla_memory_layout input_layout,
                                     const odla_uint32* window_dims, const odla_uint32* strides,
                                     const odla_uint32* paddings_front,
                                     const odla_uint32* paddings_back, odla_value_shape output_dims,
                                     const odla_value_id value_id);
/* scale / offset may be NULL: scalar_scale / scalar_offset are used instead. */
ODLA_API odla_value odla_BatchNormalization(odla_value input, odla_memory_layout input_layout,
                                            odla_value mean, odla_value var, odla_float32 epsilon,
                                            odla_value scale, odla_value offset,
                                            odla_float32 scalar_scale, odla_float32 scalar_offset,
                                            const odla_value_id value_id);

/* (x - mean) / sqrt(var + epsilon) * scale + offset, mean and var over the spatial dims of each
 * (n, c); scale / offset (per channel) may be NULL: scalar_scale / scalar_offset instead. */
ODLA_API odla_value odla_InstanceNormalization(odla_value input, odla_memory_layout input_layout,
                                               odla_float32 epsilon, odla_value scale,
                                               odla_value offset, odla_float32 scalar_scale,
                                               odla_float32 scalar_offset,
                                               const odla_value_id value_id);

/* ---- process ------------------------------------------------------------------------------ */

ODLA_API odla_value odla_Reshape(odla_value input, odla_value_shape output_dims,
                                 const odla_value_id value_id);
ODLA_API odla_value odla_Transpose(odla_value input, odla_value_shape permutations,
                                   odla_value_shape output_dims, const odla_value_id value_id);
ODLA_API odla_value odla_Concat(odla_values inputs, odla_int32 axis, odla_value_shape output_dims,
                                const odla_value_id value_id);
ODLA_API odla_value odla_Gather(odla_value input, const odla_value indices, odla_int32 axis,
                                odla_value_shape output_dims, const odla_value_id value_id);
/* start / end / stride: one entry per dim of input. */
ODLA_API odla_value odla_Slice(odla_value input, const odla_int32* start, const odla_int32* end,
                               const odla_int32* stride, odla_value_shape output_dims,
                               const odla_value_id value_id);
ODLA_API odla_value odla_Cast(odla_value input, odla_element_type target_type,
                              const odla_value_id value_id);

/* ---- Strata's extension: calls of the program's own functions ----------------------------- */

/* A function computing one value from its inputs' data into `output` (the result buffer, of
 * the value's type); it returns 0 on success. Strata's odla target uses it for the ops a
 * runtime lacks, compiled by Strata's loop path (the per-op fallback). */
typedef int (*odla_custom_fn)(const odla_void* const* inputs, odla_void* output);
ODLA_API odla_value odla_CustomCall(odla_values inputs, odla_value_type result_type,
                                    odla_custom_fn function, const odla_value_id value_id);

#ifdef __cplusplus
}
#endif

#endif /* STRATA_ODLA_H */
