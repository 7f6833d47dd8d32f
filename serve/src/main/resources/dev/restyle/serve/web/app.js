// restyle web page: plain JavaScript against the JSON API (no build step).
'use strict';

const $ = (id) => document.getElementById(id);
let chosenStyle = null;
let pollTimer = null;
let currentJob = null;
let pipelinesTimer = null;

function setStatus(el, text, isError) {
  el.textContent = text;
  el.classList.toggle('error', Boolean(isError));
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    return body.message || response.statusText;
  } catch (e) {
    return response.status + ' ' + response.statusText;
  }
}

function updateButtons() {
  $('stylize').disabled = !(chosenStyle && $('photo').files.length);
  $('upload-video').disabled = !(chosenStyle && $('video').files.length);
}

function chooseStyle(name) {
  chosenStyle = name;
  for (const button of document.querySelectorAll('.style')) {
    button.setAttribute('aria-checked', String(button.dataset.style === name));
  }
  updateButtons();
}

async function loadStyles() {
  const response = await fetch('/api/styles');
  if (!response.ok) {
    setStatus($('photo-status'), 'cannot list the styles: ' + (await errorMessage(response)), true);
    return;
  }
  const { styles } = await response.json();
  const container = $('styles');
  container.textContent = '';
  for (const style of styles) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'style';
    button.dataset.style = style.name;
    button.setAttribute('role', 'radio');
    button.setAttribute('aria-checked', 'false');
    button.title = style.description;
    const img = document.createElement('img');
    img.src = style.thumbnail;
    img.alt = style.name;
    const label = document.createElement('div');
    label.textContent = style.name;
    button.append(img, label);
    button.addEventListener('click', () => chooseStyle(style.name));
    container.append(button);
  }
  if (styles.length) {
    chooseStyle(styles[0].name);
  }
}

function styleFields(form) {
  form.append('style', chosenStyle);
  form.append('strength', $('strength').value);
  form.append('preserve_colours', String($('preserve').checked));
}

async function stylize(event) {
  event.preventDefault();
  const file = $('photo').files[0];
  if (!file || !chosenStyle) return;
  const form = new FormData();
  form.append('image', file);
  styleFields(form);
  if ($('max-size').value) form.append('max_size', $('max-size').value);
  form.append('format', $('format').value);
  setStatus($('photo-status'), 'stylising…');
  $('stylize').disabled = true;
  const started = performance.now();
  try {
    const response = await fetch('/api/stylize', { method: 'POST', body: form });
    if (!response.ok) {
      setStatus($('photo-status'), await errorMessage(response), true);
      return;
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    $('result').src = url;
    const download = $('download');
    download.href = url;
    download.download = 'restyled-' + chosenStyle + ($('format').value === 'png' ? '.png' : '.jpg');
    download.hidden = false;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    setStatus($('photo-status'), 'done in ' + seconds + ' s (' + response.headers.get('X-Restyle-Size') + ')');
  } catch (e) {
    setStatus($('photo-status'), 'the request failed: ' + e, true);
  } finally {
    updateButtons();
  }
}

function showOriginal() {
  const file = $('photo').files[0];
  if (file) {
    $('original').src = URL.createObjectURL(file);
    $('result').removeAttribute('src');
    $('download').hidden = true;
  }
  updateButtons();
}

async function uploadVideo(event) {
  event.preventDefault();
  const file = $('video').files[0];
  if (!file || !chosenStyle) return;
  const form = new FormData();
  form.append('video', file);
  styleFields(form);
  $('upload-video').disabled = true;
  $('job-download').hidden = true;
  setStatus($('job-status'), 'uploading…');
  const response = await fetch('/api/jobs', { method: 'POST', body: form });
  if (!response.ok) {
    setStatus($('job-status'), await errorMessage(response), true);
    updateButtons();
    return;
  }
  currentJob = await response.json();
  $('job-progress').hidden = false;
  $('job-progress').value = 0;
  $('cancel-video').hidden = false;
  poll();
  refreshPipelines();
}

async function poll() {
  if (!currentJob) return;
  const response = await fetch('/api/jobs/' + currentJob.id);
  if (!response.ok) {
    setStatus($('job-status'), await errorMessage(response), true);
    return finishJob();
  }
  const job = await response.json();
  const p = job.progress;
  if (p.fraction !== null) $('job-progress').value = p.fraction;
  const state = job.state.toLowerCase();
  setStatus($('job-status'), state + ': ' + p.framesOut + (p.expectedFrames > 0 ? ' / ' + p.expectedFrames : '') +
      ' frames, ' + p.framesPerSecond.toFixed(1) + ' fps', job.state === 'FAILED');
  if (job.state === 'SUCCEEDED') {
    const link = $('job-download');
    link.href = job.output;
    link.hidden = false;
    return finishJob();
  }
  if (job.state === 'FAILED' || job.state === 'CANCELLED') {
    if (job.error) setStatus($('job-status'), state + ': ' + job.error, job.state === 'FAILED');
    return finishJob();
  }
  pollTimer = setTimeout(poll, 500);
}

function finishJob() {
  clearTimeout(pollTimer);
  $('cancel-video').hidden = true;
  updateButtons();
}

async function cancelJob() {
  if (!currentJob) return;
  clearTimeout(pollTimer);
  await fetch('/api/jobs/' + currentJob.id, { method: 'DELETE' });
  setStatus($('job-status'), 'cancelled');
  currentJob = null;
  finishJob();
}

// The pipelines section: a row per pipeline, refreshed every 2 s; a running one shows its live
// preview (an MJPEG stream the browser renders in an <img>; the img is kept across refreshes so
// the stream stays open, and dropped when the pipeline stops).
async function refreshPipelines() {
  try {
    const response = await fetch('/api/pipelines');
    if (!response.ok) {
      setStatus($('pipelines-status'), 'cannot list the pipelines: ' + (await errorMessage(response)), true);
      return;
    }
    const { pipelines } = await response.json();
    setStatus($('pipelines-status'), pipelines.length ? '' : 'no pipelines yet');
    const container = $('pipelines');
    const rows = new Map();
    for (const row of container.querySelectorAll('.pipeline')) rows.set(row.dataset.id, row);
    for (const p of pipelines) {
      let row = rows.get(p.id);
      rows.delete(p.id);
      if (!row) {
        row = document.createElement('div');
        row.className = 'pipeline';
        row.dataset.id = p.id;
        const summary = document.createElement('div');
        summary.className = 'summary';
        row.append(summary);
        container.append(row);
      }
      const g = p.progress;
      row.querySelector('.summary').textContent = p.id + ' · ' + p.kind + ' · ' + p.state.toLowerCase() +
          ' · ' + g.framesOut + (g.expectedFrames > 0 ? ' / ' + g.expectedFrames : '') + ' frames · ' +
          g.framesPerSecond.toFixed(1) + ' fps' + (p.error ? ' · ' + p.error : '');
      let img = row.querySelector('img');
      if (p.state === 'RUNNING' && !img) {
        img = document.createElement('img');
        img.alt = 'live preview of pipeline ' + p.id;
        img.src = '/api/pipelines/' + p.id + '/preview.mjpeg';
        row.append(img);
      } else if (p.state !== 'RUNNING' && img) {
        img.removeAttribute('src');
        img.remove();
      }
    }
    for (const gone of rows.values()) {
      const img = gone.querySelector('img');
      if (img) img.removeAttribute('src');
      gone.remove();
    }
  } catch (e) {
    setStatus($('pipelines-status'), 'cannot list the pipelines: ' + e, true);
  } finally {
    clearTimeout(pipelinesTimer);
    pipelinesTimer = setTimeout(refreshPipelines, 2000);
  }
}

$('strength').addEventListener('input', () => {
  $('strength-value').textContent = Number($('strength').value).toFixed(2);
});
$('photo').addEventListener('change', showOriginal);
$('video').addEventListener('change', updateButtons);
$('photo-form').addEventListener('submit', stylize);
$('video-form').addEventListener('submit', uploadVideo);
$('cancel-video').addEventListener('click', cancelJob);
loadStyles();
refreshPipelines();
