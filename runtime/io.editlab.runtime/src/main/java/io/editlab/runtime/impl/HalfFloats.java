package io.editlab.runtime.impl;

/**
 * Conversions between float32 and the two 2-byte float formats, bit by bit (JDK 17 has neither):
 * IEEE half precision (float16: 5 exponent bits, 10 mantissa bits, largest finite 65504, smallest
 * normal 2^-14) and bfloat16 (float32's upper half: 8 exponent bits, 7 mantissa bits).
 */
final class HalfFloats {

    /** The largest finite float16. */
    static final float FLOAT16_MAX = 65504f;

    private HalfFloats() {}

    /** float32 to bfloat16 bits, rounding to nearest even. */
    static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) 0x7FC0;
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** float32 to IEEE half-precision bits, rounding to nearest even . */
    static short toFloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        int mantissa = bits & 0x7FFFFF;
        if (((bits >>> 23) & 0xFF) == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
        }
        if (exponent >= 0x1F) {
            return (short) (sign | 0x7C00); // overflow: infinity
        }
        if (exponent <= 0) {
            if (exponent < -10) {
                return (short) sign; // underflow: signed zero
            }
            int full = mantissa | 0x800000;
            int shift = 14 - exponent;
            int half = full >>> shift;
            int rest = full & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (exponent << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, which is the right rounding
        }
        return (short) (sign | half);
    }

    /** bfloat16 bits as the float32 of the same value (exact). */
    static float fromBfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
