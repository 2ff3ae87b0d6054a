package jobspec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/aurora-go/aurora/core/spec"
)

// container decodes a container block: docker or mesos.
func (d *decoder) container(block *hcl.Block) *spec.Container {
	c := &spec.Container{}
	_, blocks := d.open(block, containerSchema, "container")
	if k := d.optional(blocks, blockDocker, blockContainer); k != nil {
		c.Docker = &spec.DockerContainer{}
		b, inner := d.open(k, dockerSchema, "container.docker")
		d.require(b, k.DefRange, blockDocker, "image")
		d.string(b, "image", &c.Docker.Image)
		for i, p := range inner.OfType(blockParameter) {
			var param spec.DockerParameter
			pb, _ := d.open(p, parameterSchema, fmt.Sprintf("container.docker.parameter[%d]", i))
			d.require(pb, p.DefRange, blockParameter, "name", "value")
			d.string(pb, "name", &param.Name)
			d.string(pb, "value", &param.Value)
			c.Docker.Parameters = append(c.Docker.Parameters, param)
		}
		c.Docker.Volumes = d.volumes(inner, "container.docker")
	}
	if m := d.optional(blocks, blockMesos, blockContainer); m != nil {
		c.Mesos = &spec.MesosContainer{}
		_, inner := d.open(m, mesosSchema, "container.mesos")
		if img := d.optional(inner, blockImage, blockMesos); img != nil {
			if schema, ok := d.typed(img, imageSchemas); ok {
				c.Mesos.Image = &spec.MesosImage{Type: img.Labels[0]}
				b, _ := d.open(img, schema, "container.mesos.image")
				d.require(b, img.DefRange, blockImage, "name")
				d.string(b, "name", &c.Mesos.Image.Name)
				d.string(b, "tag", &c.Mesos.Image.Tag)
				d.string(b, "image_id", &c.Mesos.Image.ImageID)
			}
		}
		c.Mesos.Volumes = d.volumes(inner, "container.mesos")
	}
	return c
}

// volumes decodes the volume blocks among blocks.
func (d *decoder) volumes(blocks hcl.Blocks, prefix string) []spec.Volume {
	var out []spec.Volume
	for i, v := range blocks.OfType(blockVolume) {
		vol := spec.Volume{Mode: spec.VolumeRO}
		b, _ := d.open(v, volumeSchema, fmt.Sprintf("%s.volume[%d]", prefix, i))
		d.require(b, v.DefRange, blockVolume, "container_path", "host_path")
		d.string(b, "container_path", &vol.ContainerPath)
		d.string(b, "host_path", &vol.HostPath)
		d.string(b, "mode", &vol.Mode)
		out = append(out, vol)
	}
	return out
}
