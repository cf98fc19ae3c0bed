// Uploads a file with the official tus-js-client (Node), pausing halfway and resuming from the
// offset the server reports, as a browser tab that lost its connection would.
// Usage: node tus_upload.mjs <endpoint> <bearer token> <file>
import fs from 'node:fs';
import * as tus from 'tus-js-client';

const [endpoint, token, file] = process.argv.slice(2);
const size = fs.statSync(file).size;
const options = {
  endpoint,
  headers: { Authorization: `Bearer ${token}` },
  chunkSize: Math.ceil(size / 4),
  uploadSize: size,
  metadata: { filename: 'from-tus-js-client.mp4', filetype: 'video/mp4' },
  retryDelays: [],
};

function run(upload, stopAfterBytes) {
  return new Promise((resolve, reject) => {
    upload.options.onError = reject;
    upload.options.onSuccess = () => resolve('done');
    upload.options.onChunkComplete = (chunk, accepted) => {
      if (stopAfterBytes && accepted >= stopAfterBytes) {
        upload.abort().then(() => resolve('paused'));
      }
    };
    upload.start();
  });
}

const first = new tus.Upload(fs.createReadStream(file), options);
const paused = await run(first, size / 2);
const url = first.url;
// a new client with the URL only: it asks HEAD for the offset and sends the rest
const second = new tus.Upload(fs.createReadStream(file), { ...options, uploadUrl: url });
const finished = await run(second);
console.log(JSON.stringify({ paused, finished, url, size }));
