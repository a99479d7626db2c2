// Asset import: upload with a progress bar (XMLHttpRequest upload progress), then, while the
// server checks every row, poll how far the check has got; finally show the server's answer
// (the checked result page). No inline scripts: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const box = document.getElementById(form.dataset.progress);
    const bar = box.querySelector(".progress-bar");
    const status = document.getElementById("import-status");
    const button = form.querySelector("button");
    const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    form.querySelector("input[name=progress]").value = key;
    const progressUrl = form.dataset.progressUrl.replace(/0\/$/, `${key}/`);
    let polling = null;
    const show = (pct, text) => {
      bar.style.width = `${pct}%`;
      bar.textContent = `${pct}%`;
      status.textContent = text;
    };
    const poll = () => {
      fetch(progressUrl, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .then((p) => {
          if (!p || !p.checked) return;
          const pct = p.size ? Math.min(99, Math.round((p.checked / p.size) * 100)) : 99;
          show(pct, `正在逐行检查…… 已检查 ${p.checked.toLocaleString()}${p.size ? ` / ${p.size.toLocaleString()}` : ""} 行`);
        })
        .catch(() => {});
    };
    box.classList.remove("d-none");
    button.disabled = true;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", (ev) => {
      if (!ev.lengthComputable) return;
      const pct = Math.round((ev.loaded / ev.total) * 100);
      if (pct < 100) {
        show(pct, `正在上传…… ${pct}%`);
      } else if (!polling) {
        show(0, "上传完成，正在逐行检查……");
        polling = setInterval(poll, 700);
      }
    });
    xhr.addEventListener("load", () => {
      clearInterval(polling);
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", () => {
      clearInterval(polling);
      status.textContent = "上传失败，请检查网络后重试";
      button.disabled = false;
    });
    xhr.send(new FormData(form));
  });
});
