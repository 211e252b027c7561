package io.sfpulse.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte {@code 0}, the 4-byte big-endian schema id, then the Avro
 * binary encoding of the datum. Pure functions; thread-safe.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** Encodes {@code datum} (a specific or generic record, or any Avro datum) written with {@code schema}. */
    public static byte[] encode(final int schemaId, final Schema schema, final Object datum) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        final DatumWriter<Object> writer =
                datum instanceof SpecificRecord
                        ? new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema))
                        : new GenericDatumWriter<>(schema);
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot encode Avro datum with schema '" + schema.getFullName() + "'", e);
        }
        return out.toByteArray();
    }

    /** Reads the schema id from the header, validating the magic byte. */
    public static int schemaId(final byte[] data) {
        if (data == null || data.length < HEADER_SIZE) {
            throw new SerializationException(
                    "Not Confluent wire format: "
                            + (data == null ? "null" : data.length + " bytes"));
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException("Unknown magic byte " + data[0] + " (expected 0)");
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /** Decodes the body after the header with the given reader. */
    public static <T> T decode(final byte[] data, final DatumReader<T> reader) {
        try {
            return reader.read(
                    null,
                    DecoderFactory.get()
                            .binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot decode Avro body of " + data.length + " bytes", e);
        }
    }
}
