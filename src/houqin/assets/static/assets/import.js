// Asset import: upload with a progress bar (XMLHttpRequest upload progress), then show the
// server's answer (the checked result page). No inline scripts: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const box = document.getElementById(form.dataset.progress);
    const bar = box.querySelector(".progress-bar");
    const status = document.getElementById("import-status");
    const button = form.querySelector("button");
    box.classList.remove("d-none");
    button.disabled = true;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", (ev) => {
      if (!ev.lengthComputable) return;
      const pct = Math.round((ev.loaded / ev.total) * 100);
      bar.style.width = `${pct}%`;
      bar.textContent = `${pct}%`;
      status.textContent = pct < 100 ? `正在上传…… ${pct}%` : "上传完成，正在逐行检查……";
    });
    xhr.addEventListener("load", () => {
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", () => {
      status.textContent = "上传失败，请检查网络后重试";
      button.disabled = false;
    });
    xhr.send(new FormData(form));
  });
});
