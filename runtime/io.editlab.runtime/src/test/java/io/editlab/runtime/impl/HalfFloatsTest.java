package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void roundingToHalfAndBrainFloatIsToNearestEven() {
        assertEquals((short) 0x3C00, HalfFloats.toFloat16(1f));
        assertEquals((short) 0xC000, HalfFloats.toFloat16(-2f));
        assertEquals((short) 0x7BFF, HalfFloats.toFloat16(65504f));
        assertEquals((short) 0x7C00, HalfFloats.toFloat16(70000f), "overflow is infinity");
        assertEquals((short) 0x0001, HalfFloats.toFloat16(5.96e-8f), "the smallest subnormal");
        assertEquals((short) 0x0000, HalfFloats.toFloat16(1e-9f), "underflow is zero");
        assertEquals((short) 0x3C00, HalfFloats.toFloat16(1f + 0x1p-11f), "a tie goes to the even neighbour");
        assertEquals((short) 0x3C02, HalfFloats.toFloat16(1f + 0x1p-11f * 3), "and upwards from an odd one");
        assertEquals((short) 0x3F80, HalfFloats.toBfloat16(1f));
        assertEquals((short) 0x3F80, HalfFloats.toBfloat16(1f + 0x1p-8f), "a tie goes to the even neighbour");
        assertEquals((short) 0x3F82, HalfFloats.toBfloat16(1f + 0x1p-8f * 3), "and upwards from an odd one");
        assertEquals((short) 0xC040, HalfFloats.toBfloat16(-3f));
    }

    @Test
    void bfloat16WidensExactly() {
        assertEquals(1f, HalfFloats.fromBfloat16((short) 0x3F80));
        assertEquals(-3f, HalfFloats.fromBfloat16((short) 0xC040));
        assertEquals(0.0078125f, HalfFloats.fromBfloat16(HalfFloats.toBfloat16(0.0078125f)));
    }
}
