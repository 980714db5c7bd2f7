"""The target CPU description (targets/cpu/machine.py) and the schedule sizes derived from it."""

from __future__ import annotations

import pytest

from strata.targets.cpu import machine, schedules


@pytest.mark.parametrize("name", sorted(machine.KNOWN))
def test_known_cpus_agree_with_llvm(name: str) -> None:
    """The table's features are the ones LLVM generates code with for that name."""
    assert name in machine.llvm_cpus()
    assert machine.probe_features(name) == machine.KNOWN[name].features


def test_host_is_described_from_llvm_and_sysfs() -> None:
    host = machine.describe()
    assert host.name == machine.host_cpu() != "generic"
    assert host.features == machine.probe_features("native")
    assert "sse2" in host.features and host.l1d > 0 and host.l2 >= host.l1d
    if host.has("avx512f"):
        assert (host.vector_registers, host.vector_lanes) == (32, 16)
    elif host.has("avx"):
        assert (host.vector_registers, host.vector_lanes) == (16, 8)
    assert host.isa in host.summary()


@pytest.mark.parametrize(
    ("mcpu", "isa", "regs", "lanes"),
    [
        ("haswell", "AVX2+FMA", 16, 8),
        ("znver3", "AVX2+FMA", 16, 8),
        ("skylake-avx512", "AVX-512", 32, 16),
        ("x86-64", "SSE", 16, 4),
        ("goldmont", "SSE", 16, 4),  # not in the table: probed through llc
    ],
)
def test_named_cpus(mcpu: str, isa: str, regs: int, lanes: int) -> None:
    m = machine.describe(mcpu)
    assert (m.isa, m.vector_registers, m.vector_lanes, m.mcpu) == (isa, regs, lanes, mcpu)


def test_unknown_cpu_is_refused() -> None:
    with pytest.raises(machine.UnknownCpuError, match="unknown CPU 'pentium9000'"):
        machine.describe("pentium9000")


@pytest.mark.parametrize(("text", "size"), [("32K", 32768), ("1024K", 1 << 20), ("8M", 8 << 20),
                                            ("4096", 4096)])  # fmt: skip
def test_parse_cache_size(text: str, size: int) -> None:
    assert machine._parse_size(text) == size


@pytest.mark.parametrize(("mcpu", "tile"), [("haswell", (6, 16)), ("skylake-avx512", (14, 32)),
                                            ("x86-64", (6, 8))])  # fmt: skip
def test_register_tile_fits_the_register_file(mcpu: str, tile: tuple[int, int]) -> None:
    m = machine.describe(mcpu)
    mr, nr = schedules.register_tile(m)
    assert (mr, nr) == tile
    vectors = nr // m.vector_lanes
    assert mr * vectors + vectors + 1 <= m.vector_registers  # accumulators + B + broadcast


def test_cache_blocks_follow_the_caches() -> None:
    avx2 = schedules.TileParams.for_machine(machine.describe("haswell"))  # 32 KiB L1, 256 KiB L2
    assert (avx2.kc_max, avx2.l2_floats) == (32768 // 2 // (6 * 4), 262144 // 8)
    # K = 1024: the largest multiple of kr <= 682 dividing it is 512; 512 x 64 fills L2 / 2
    assert schedules.cache_blocks(schedules.Contraction((), 28, 512, 1024), avx2) == (512, 64)
    # small operands are not blocked; a K without a fitting divisor is left whole
    assert schedules.cache_blocks(schedules.Contraction((), 64, 64, 64), avx2) == (64, 64)
    assert schedules.cache_blocks(schedules.Contraction((), 8, 16, 1366), avx2) == (1366, 16)
    avx512 = schedules.TileParams.for_machine(machine.describe("skylake-avx512"))
    assert schedules.cache_blocks(schedules.Contraction((), 128, 768, 3072), avx512) == (256, 384)


@pytest.mark.parametrize(("m", "mr", "rows"), [(128, 14, 8), (28, 14, 14), (128, 6, 4),
                                               (97, 14, 14), (5, 6, 5), (196, 14, 14)])  # fmt: skip
def test_row_tile_prefers_a_divisor(m: int, mr: int, rows: int) -> None:
    assert schedules.row_tile(m, mr) == rows
