import "server-only";
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
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

type Sdk = typeof import("@aws-sdk/client-s3");

let sdk: Promise<Sdk> | undefined;
/** The SDK once loaded, for the synchronous checks of its errors. */
let loaded: Sdk | undefined;
let presigning: Promise<typeof import("@aws-sdk/s3-request-presigner")> | undefined;

/**
 * The AWS SDK, loaded on the first call that needs it: the module graph of @aws-sdk/client-s3
 * and @smithy costs the server about 20 MB of heap, which a server on local disk (the demo,
 * `npm run demo`) never needs; importing it at the top would load it on every page that
 * reaches lib/storage.
 */
function loadSdk(): Promise<Sdk> {
  sdk ??= import("@aws-sdk/client-s3").then(
    (module) => {
      loaded = module;
      return module;
    },
    (error) => {
      sdk = undefined;
      throw error;
    },
  );
  return sdk;
}

function loadPresigner() {
  presigning ??= import("@aws-sdk/s3-request-presigner").catch((error) => {
    presigning = undefined;
    throw error;
  });
  return presigning;
}

/** The HTTP status of an SDK error (errors are only seen once the SDK is loaded). */
function statusOf(error: unknown): number | undefined {
  return loaded && error instanceof loaded.S3ServiceException
    ? error.$metadata?.httpStatusCode
    : undefined;
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
  private readonly options: S3StorageOptions;
  private readonly partSize: number;
  private clients?: Promise<{ sdk: Sdk; client: S3Client; presigner: S3Client }>;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.options = options;
    this.partSize = Math.max(options.partSize ?? DEFAULT_PART_SIZE, MIN_PART_SIZE);
  }

  /** The SDK and this bucket's clients, made on the first call that talks to the bucket. */
  private connect(): Promise<{ sdk: Sdk; client: S3Client; presigner: S3Client }> {
    this.clients ??= loadSdk().then((sdk) => {
      const options = this.options;
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
      const client = new sdk.S3Client({ ...config, endpoint: options.endpoint });
      const presigner = options.publicEndpoint
        ? new sdk.S3Client({ ...config, endpoint: options.publicEndpoint })
        : client;
      return { sdk, client, presigner };
    });
    return this.clients;
  }

  async put(key: string, body: Readable | ReadableStream<Uint8Array>): Promise<{ size: number }> {
    checkStorageKey(key);
    const source = toNodeReadable(body);
    const { sdk, client } = await this.connect().catch((error) => {
      source.destroy();
      throw error;
    });
    const ContentType = typesByExtension[key.split(".").pop() ?? ""] ?? "application/octet-stream";
    let pending: Buffer[] = [];
    let buffered = 0;
    let size = 0;
    let uploadId: string | undefined;
    const parts: { ETag?: string; PartNumber: number }[] = [];

    const sendPart = async () => {
      uploadId ??= (
        await client.send(
          new sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType }),
        )
      ).UploadId;
      if (!uploadId) throw new Error("The bucket did not start a multipart upload.");
      const PartNumber = parts.length + 1;
      const Body = Buffer.concat(pending);
      pending = [];
      buffered = 0;
      const { ETag } = await client.send(
        new sdk.UploadPartCommand({
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
        await client.send(
          new sdk.PutObjectCommand({
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
      await client.send(
        new sdk.CompleteMultipartUploadCommand({
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
        await client
          .send(
            new sdk.AbortMultipartUploadCommand({
              Bucket: this.bucket,
              Key: key,
              UploadId: uploadId,
            }),
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
    const { sdk, client } = await this.connect();
    try {
      const answer = await client.send(
        new sdk.GetObjectCommand({
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
    const { sdk, client } = await this.connect();
    try {
      const head = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    checkStorageKey(key);
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async copy(fromKey: string, toKey: string, options: { contentType: string }): Promise<void> {
    checkStorageKey(fromKey);
    checkStorageKey(toKey);
    const { sdk, client } = await this.connect();
    await client.send(
      new sdk.CopyObjectCommand({
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
    const [{ sdk, presigner }, { getSignedUrl }] = await Promise.all([
      this.connect(),
      loadPresigner(),
    ]);
    const expiresIn = Math.min(Math.max(1, Math.floor(options.expiresIn)), MAX_PRESIGN_SECONDS);
    const url = await getSignedUrl(
      presigner,
      new sdk.PutObjectCommand({
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
    const [{ sdk, presigner }, { getSignedUrl }] = await Promise.all([
      this.connect(),
      loadPresigner(),
    ]);
    const expiresIn = Math.min(Math.max(1, Math.floor(options.expiresIn)), MAX_PRESIGN_SECONDS);
    return getSignedUrl(
      presigner,
      new sdk.GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.contentDisposition,
      }),
      { expiresIn },
    );
  }
}
