// "Enter VR": an immersive WebXR session at the current view. The button is
// shown only where navigator.xr.isSessionSupported('immersive-vr') resolves
// true. In VR the headset moves the camera inside a rig placed where the
// camera was. Hotspots show but cannot be picked with controllers yet.

import { Euler, Vector3 } from 'three';

const EYE_HEIGHT = 1.6; // metres above the 'local-floor' origin, an estimate

/** Show `button` when immersive VR is supported, and run sessions from it. */
export function setUpVr(stage, player, button) {
  if (!stage || !navigator.xr?.isSessionSupported) return;
  let session = null;
  let saved = null;

  // data-ui lets a language switch relabel the button too.
  const relabel = () => {
    button.dataset.ui = session ? 'exit_vr' : 'enter_vr';
    button.textContent = player.ui(button.dataset.ui);
  };

  const onEnd = () => {
    session = null;
    stage.rig.position.set(0, 0, 0);
    stage.rig.rotation.set(0, 0, 0);
    if (saved) stage.applyPose(saved);
    stage.controls.enabled = true;
    relabel();
  };

  button.addEventListener('click', async () => {
    if (session) {
      await session.end();
      return;
    }
    try {
      session = await navigator.xr.requestSession('immersive-vr', {
        optionalFeatures: ['local-floor', 'bounded-floor'],
      });
    } catch (error) {
      console.warn(`VR session request failed: ${error.message}`);
      player.view.showNotice(error.message);
      return;
    }
    saved = stage.pose();
    stage.cancelFlight();
    stage.controls.enabled = false;
    const heading = new Euler().setFromQuaternion(saved.quaternion, 'YXZ').y;
    stage.rig.position.copy(saved.position).sub(new Vector3(0, EYE_HEIGHT, 0));
    stage.rig.rotation.set(0, heading, 0);
    stage.camera.position.set(0, 0, 0);
    stage.camera.quaternion.identity();
    session.addEventListener('end', onEnd);
    await stage.renderer.xr.setSession(session);
    relabel();
  });

  navigator.xr.isSessionSupported('immersive-vr').then((supported) => {
    button.hidden = !supported;
    relabel();
  }).catch((error) => {
    console.warn(`WebXR support check failed: ${error.message}`);
  });
}
