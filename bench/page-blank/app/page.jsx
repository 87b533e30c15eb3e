// The studio's heading and sentence (app/page.tsx), as static text: what a visitor first sees.
export default function Page() {
  return (
    <main>
      <h1>New video</h1>
      <p>
        Image-to-video with wan2.7-i2v: start from a first frame or a clip, end on a last frame, or
        let a voice track drive it.
      </p>
    </main>
  );
}
