import "server-only";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { checkStorageKey } from "./keys";
import { toNodeReadable } from "./local";
import type {
  ByteRange,
  DirectStorage,
  PresignedPut,
  PresignGetOptions,
  PresignPutOptions,
  StoredObject,
} from "./types";

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** R2, MinIO, s3rver…; omitted for AWS S3. */
  endpoint?: string;
  /**
   * Where browsers and the gateway reach the bucket, when not at `endpoint` (e.g. a server
   * talking to MinIO over a private network). Presigned URLs are signed for this host.
   */
  publicEndpoint?: string;
  forcePathStyle?: boolean;
  /** Omitted: the SDK's default chain (environment, IAM role…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Bytes buffered per multipart part (S3's minimum is 5 MiB, except for the last). */
  partSize?: number;
}

/** SigV4 cannot sign a URL for longer than this. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;

const typesByExtension: Record<string, string> = {
  mp4: "video/mp4",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
};

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata?.httpStatusCode : undefined;
}

function isMissing(error: unknown): boolean {
  return (
    statusOf(error) === 404 ||
    (error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound"))
  );
}

/**
 * An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO). Puts stream: a body of unknown
 * length goes up as a multipart upload, one `partSize` buffer at a time, so memory stays
 * bounded whatever the size; short bodies are one PutObject. Either way the object appears
 * only when complete. No secret ever reaches a log line or an error message from here.
 */
export class S3Storage implements DirectStorage {
  readonly direct = true as const;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly presigner: S3Client;
  private readonly partSize: number;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.partSize = Math.max(options.partSize ?? DEFAULT_PART_SIZE, MIN_PART_SIZE);
    const config = {
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      // Newer SDKs add CRC32 checksums to every upload by default: R2, MinIO and older
      // S3-compatibles reject them, and they end up in presigned PUT URLs as the checksum of
      // an empty body. Checksums only where the API requires them.
      requestChecksumCalculation: "WHEN_REQUIRED" as const,
      responseChecksumValidation: "WHEN_REQUIRED" as const,
    };
    this.client = new S3Client({ ...config, endpoint: options.endpoint });
    this.presigner = options.publicEndpoint
      ? new S3Client({ ...config, endpoint: options.publicEndpoint })
      : this.client;
  }

  async put(key: string, body: Readable | ReadableStream<Uint8Array>): Promise<{ size: number }> {
    checkStorageKey(key);
    const source = toNodeReadable(body);
    const ContentType = typesByExtension[key.split(".").pop() ?? ""] ?? "application/octet-stream";
    let pending: Buffer[] = [];
    let buffered = 0;
    let size = 0;
    let uploadId: string | undefined;
    const parts: { ETag?: string; PartNumber: number }[] = [];

    const sendPart = async () => {
      uploadId ??= (
        await this.client.send(
          new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType }),
        )
      ).UploadId;
      if (!uploadId) throw new Error("The bucket did not start a multipart upload.");
      const PartNumber = parts.length + 1;
      const Body = Buffer.concat(pending);
      pending = [];
      buffered = 0;
      const { ETag } = await this.client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber,
          Body,
          ContentLength: Body.length,
        }),
      );
      parts.push({ ETag, PartNumber });
    };

    try {
      // for-await pulls the next chunk only after a full part is sent: back-pressure keeps
      // at most one part (plus one chunk) in memory.
      for await (const data of source) {
        const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
        pending.push(chunk);
        buffered += chunk.length;
        size += chunk.length;
        if (buffered >= this.partSize) await sendPart();
      }
      if (parts.length === 0) {
        const Body = Buffer.concat(pending);
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body,
            ContentLength: Body.length,
            ContentType,
          }),
        );
        return { size };
      }
      if (buffered > 0) await sendPart();
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return { size };
    } catch (error) {
      source.destroy();
      if (uploadId) {
        await this.client
          .send(
            new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
          )
          .catch(() => {});
      }
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    checkStorageKey(key);
    if (range && (!Number.isInteger(range.start) || range.start < 0)) {
      throw new RangeError(`Range ${range.start}-${range.end ?? ""} is not a byte range.`);
    }
    if (range?.end !== undefined && range.end < range.start) {
      throw new RangeError(`Range ${range.start}-${range.end} is empty.`);
    }
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end ?? ""}` : undefined,
        }),
      );
      const body = answer.Body as Readable;
      const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(answer.ContentRange ?? "");
      if (!range) return { size: answer.ContentLength ?? 0, body };
      if (!contentRange) {
        // A server that ignored the Range sent the whole object: fine only from byte 0.
        const size = answer.ContentLength ?? 0;
        if (range.start !== 0) {
          body.destroy();
          throw new Error("The bucket ignored a ranged read.");
        }
        const end = Math.min(range.end ?? size - 1, size - 1);
        return { size, body, range: { start: 0, end } };
      }
      const [, start, end, total] = contentRange;
      return {
        size: Number(total),
        body,
        range: { start: Number(start), end: Number(end) },
      };
    } catch (error) {
      if (isMissing(error)) return null;
      if (statusOf(error) === 416) {
        throw new RangeError(`Range ${range?.start}-${range?.end ?? ""} is outside ${key}.`);
      }
      throw error;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    checkStorageKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    checkStorageKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async copy(fromKey: string, toKey: string, options: { contentType: string }): Promise<void> {
    checkStorageKey(fromKey);
    checkStorageKey(toKey);
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: toKey,
        // Keys are [A-Za-z0-9._-/] (checkKey), so they need no escaping here.
        CopySource: `${this.bucket}/${fromKey}`,
        MetadataDirective: "REPLACE",
        ContentType: options.contentType,
      }),
    );
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut> {
    checkStorageKey(key);
    const expiresIn = Math.min(Math.max(1, Math.floor(options.expiresIn)), MAX_PRESIGN_SECONDS);
    const url = await getSignedUrl(
      this.presigner,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentLength: options.contentLength,
        ContentType: options.contentType,
      }),
      // Content-Length is signed by default; Content-Type is not unless named here.
      { expiresIn, signableHeaders: new Set(["content-type", "content-length"]) },
    );
    return {
      url,
      headers: { "Content-Type": options.contentType },
      expiresAt: Date.now() + expiresIn * 1000,
    };
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    checkStorageKey(key);
    const expiresIn = Math.min(Math.max(1, Math.floor(options.expiresIn)), MAX_PRESIGN_SECONDS);
    return getSignedUrl(
      this.presigner,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.contentDisposition,
      }),
      { expiresIn },
    );
  }
}
