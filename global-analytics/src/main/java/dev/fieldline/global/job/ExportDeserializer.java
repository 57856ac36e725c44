package dev.fieldline.global.job;

import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.global.model.InboundRecord;
import dev.fieldline.global.model.SketchBytes;
import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.codec.CodecException;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.support.tracing.TraceParent;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns each record of one region's {@code regional.export} into an {@link InboundRecord}. Nothing
 * is thrown: a record that cannot be decoded, or decodes into nonsense, becomes a dead letter with
 * the reason, so one bad record never stops the region's source.
 */
final class ExportDeserializer implements KafkaRecordDeserializationSchema<InboundRecord> {
  private static final long serialVersionUID = 1L;
  private static final AvroCodec<RegionalAggregate> CODEC = AvroCodec.of(RegionalAggregate.class);

  private final String region;
  private final boolean traced;

  ExportDeserializer(String region, boolean traced) {
    this.region = region;
    this.traced = traced;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InboundRecord> out) {
    InboundRecord in = new InboundRecord();
    in.sourceRegion = region;
    in.topic = record.topic();
    in.partition = record.partition();
    in.offset = record.offset();
    in.timestamp = record.timestamp();
    in.key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (traced) {
      Header trace = record.headers().lastHeader(TraceParent.NAME);
      in.traceParent = trace == null ? null : new String(trace.value(), StandardCharsets.US_ASCII);
    }
    try {
      RegionalAggregate avro = CODEC.decode(record.value(), region + "/" + record.topic());
      String problem = problem(avro);
      if (problem != null) {
        deadLetter(in, record, DeadLetters.INVALID, problem);
      } else {
        in.aggregate = ExportedAggregate.of(region, in.key == null ? avro.getKey() : in.key, avro);
        in.aggregate.sourcePartition = record.partition();
        in.key = in.aggregate.key;
        // Replicas are the original bytes, unless the origin has to be filled in.
        boolean hasOrigin = avro.getOriginRegion() != null && !avro.getOriginRegion().isBlank();
        in.value = hasOrigin ? record.value() : CODEC.encode(in.aggregate.toAvro());
      }
    } catch (CodecException e) {
      deadLetter(in, record, DeadLetters.UNDECODABLE, e.getMessage());
    } catch (RuntimeException e) {
      deadLetter(
          in,
          record,
          DeadLetters.UNDECODABLE,
          e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    out.collect(in);
  }

  /** What makes a decoded aggregate unusable for replication and roll-ups, or null. */
  static String problem(RegionalAggregate avro) {
    if (avro.getDeviceType().isBlank() || avro.getMetric().isBlank()) {
      return "deviceType and metric must not be blank";
    }
    if (!avro.getWindowEnd().isAfter(avro.getWindowStart())) {
      return "window ends at "
          + avro.getWindowEnd()
          + ", not after its start "
          + avro.getWindowStart();
    }
    var stats = avro.getStats();
    if (stats.getCount() < 0) {
      return "negative count " + stats.getCount();
    }
    if (stats.getCount() > 0
        && !(Double.isFinite(stats.getMean())
            && Double.isFinite(stats.getM2())
            && stats.getM2() >= 0)) {
      return "statistics are not finite (mean " + stats.getMean() + ", m2 " + stats.getM2() + ")";
    }
    if (avro.getSketch() != null) {
      try {
        ValueSketch.fromBytes(SketchBytes.of(avro.getSketch()));
      } catch (IllegalArgumentException e) {
        return "unreadable quantile sketch: " + e.getMessage();
      }
    }
    return null;
  }

  private static void deadLetter(
      InboundRecord in, ConsumerRecord<byte[], byte[]> record, String reason, String error) {
    in.value = record.value();
    in.reason = reason;
    in.error = error;
  }

  @Override
  public TypeInformation<InboundRecord> getProducedType() {
    return TypeInformation.of(InboundRecord.class);
  }
}
